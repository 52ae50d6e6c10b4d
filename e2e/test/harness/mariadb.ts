// A throwaway MariaDB from Debian's mariadb-server, in a temp dir on a spare
// port, as shared/fixtures/README.md measured it: `mariadb-install-db` then
// `mariadbd --no-defaults` bound to 127.0.0.1 (with --user=root when we are
// root: mariadbd refuses root otherwise). The store's database and user are
// created as the chart's MariaDB pod creates them (MARIADB_DATABASE/USER).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Daemon, freePort, runCommand, startDaemon, waitFor } from "./processes.ts";

const SBIN = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"];

function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(":"), ...SBIN]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Why a throwaway MariaDB cannot run here, or null. */
export function mariadbProblem(): string | null {
  const missing = ["mariadbd", "mariadb-install-db", "mariadb"].filter((b) => !findBinary(b));
  return missing.length ? `${missing.join(", ")} not found (apt-get install mariadb-server)` : null;
}

export interface ThrowawayMariadb {
  host: string;
  port: number;
  /** Runs SQL as the server's root over its socket. */
  sql: (statement: string) => Promise<string>;
  stop: () => Promise<void>;
}

export async function startMariadb(database: {
  name: string;
  user: string;
  password: string;
}): Promise<ThrowawayMariadb> {
  const dir = mkdtempSync(join(tmpdir(), "storeplane-mariadb-"));
  const datadir = join(dir, "data");
  const socket = join(dir, "mariadb.sock");
  const asRoot = process.getuid?.() === 0 ? ["--user=root"] : [];
  const env = { ...process.env };
  const install = await runCommand(
    findBinary("mariadb-install-db") as string,
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      ...asRoot,
      "--skip-test-db",
      "--auth-root-authentication-method=normal",
    ],
    { env, timeoutMs: 120_000 },
  );
  if (install.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db exited ${install.code}\n${install.output.slice(-2000)}`);
  }
  const port = await freePort();
  const server: Daemon = startDaemon(
    findBinary("mariadbd") as string,
    [
      "--no-defaults",
      `--datadir=${datadir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      ...asRoot,
      "--skip-log-bin",
      "--innodb-flush-log-at-trx-commit=0",
      `--pid-file=${join(dir, "mariadb.pid")}`,
    ],
    { env },
  );
  const client = findBinary("mariadb") as string;
  const sql = async (statement: string) => {
    const result = await runCommand(
      client,
      ["--no-defaults", `--socket=${socket}`, "-uroot", "-N", "-B", "-e", statement],
      { env, timeoutMs: 30_000 },
    );
    if (result.code !== 0) throw new Error(`mariadb: ${result.output.trim()}`);
    return result.output.trim();
  };
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      "mariadbd",
      async () => existsSync(socket) && (await sql("SELECT 1")) === "1",
      60_000,
      () =>
        server.child.exitCode !== null ? `exited ${server.child.exitCode}\n${server.log()}` : null,
    );
    await sql(
      `CREATE DATABASE \`${database.name}\`; CREATE USER '${database.user}'@'%' IDENTIFIED BY '${database.password}'; GRANT ALL ON \`${database.name}\`.* TO '${database.user}'@'%';`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: "127.0.0.1", port, sql, stop };
}
