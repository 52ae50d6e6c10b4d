// Real Postgres for a benchmark: TEST_DATABASE_URL when set, else a throwaway
// server from scripts/throwaway-postgres.sh (PostgreSQL 15 binaries on this
// machine), stopped when the benchmark ends. Each measurement gets a fresh
// database of its own inside that server, migrated by the real migrations.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { createFreshDatabase } from "@storeplane/db/testing";

const SCRIPT = resolve(import.meta.dirname, "..", "throwaway-postgres.sh");

export interface BenchPostgresServer {
  /** A server URL (an admin connection) to create databases in. */
  url: string;
  /** Where the server runs, for the report (never a password). */
  description: string;
  close(): Promise<void>;
}

export async function benchPostgresServer(): Promise<BenchPostgresServer> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    return {
      url: given,
      description: `PostgreSQL at ${new URL(given).host} (TEST_DATABASE_URL)`,
      close: async () => undefined,
    };
  }
  const exports = execFileSync("bash", [SCRIPT, "start"], { encoding: "utf8" });
  const tmpDir = /PGTMP='([^']+)'/.exec(exports)?.[1];
  const url = /TEST_DATABASE_URL='([^']+)'/.exec(exports)?.[1];
  if (!url || !tmpDir) throw new Error(`throwaway-postgres.sh printed no URL:\n${exports}`);
  return {
    url,
    description: `PostgreSQL at ${new URL(url).host} (throwaway, scripts/throwaway-postgres.sh)`,
    close: async () => {
      execFileSync("bash", [SCRIPT, "stop", tmpDir]);
    },
  };
}

export interface BenchPostgres {
  /** A fresh database of its own. */
  url: string;
  /** Where the server runs, for the report. */
  server: string;
  close(): Promise<void>;
}

export async function benchPostgres(): Promise<BenchPostgres> {
  const server = await benchPostgresServer();
  const fresh = await createFreshDatabase(server.url);
  return {
    url: fresh.url,
    server: server.description,
    async close() {
      await fresh.drop();
      await server.close();
    },
  };
}
