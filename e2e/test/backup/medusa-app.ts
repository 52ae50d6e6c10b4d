// The Medusa app of images/medusa run as medusa.engine.test.ts runs it (the
// same CLI, environment and in-memory modules), wrapped for suites that need
// several servers over several databases: migrate/seed/user through the CLI,
// `medusa start` as a daemon on a spare port, stop by process group.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";
import { type Daemon, freePort, runCommand, startDaemon, waitFor } from "../harness/processes.ts";

export const MEDUSA_DIR = resolve(import.meta.dirname, "../../../images/medusa");
export const MEDUSA_CLI = join(MEDUSA_DIR, "node_modules/@medusajs/cli/cli.js");
const CLI = MEDUSA_CLI;
const INSTALLED_MARKER = join(MEDUSA_DIR, "node_modules/.package-lock.json");

// Nested npm under `npm test` would take the workspace's lifecycle variables.
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith("npm_")) env[key] = value;
  }
  delete env.REDIS_URL;
  return { ...env, ...extra };
}

/** Installs images/medusa's dependencies unless an earlier install finished. */
export async function ensureMedusaInstalled(): Promise<"present" | "installed"> {
  if (existsSync(CLI) && existsSync(INSTALLED_MARKER)) return "present";
  const result = await runCommand(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund"],
    {
      cwd: MEDUSA_DIR,
      env: cleanEnv(),
      timeoutMs: 480_000,
    },
  );
  if (result.code !== 0)
    throw new Error(
      `npm install in images/medusa exited ${result.code}\n${result.output.slice(-3000)}`,
    );
  return "installed";
}

export interface MedusaInstance {
  baseUrl: string;
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  cli: (...args: string[]) => Promise<string>;
  /**
   * `medusa user` as the chart's setup Job runs it, then proof in the
   * instance's own database that the admin's email/password identity is
   * there: CI saw an admin login refused with no identity row in the
   * database behind it, and a check here tells that apart from a refusal by
   * the server. A run that leaves no row is reported on stderr and run once
   * more; a second miss fails the suite with the CLI's output.
   */
  createAdmin: (email: string, password: string) => Promise<void>;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  log: () => string;
}

/** How many email/password identities a Medusa database holds for an email (the admin's login). */
export async function adminIdentityRows(databaseUrl: string, email: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      "select count(*)::int as n from provider_identity where provider = 'emailpass' and entity_id = $1",
      [email],
    );
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

/** A Medusa configuration for one store: its own database, URL, port and secrets. */
export async function medusaInstance(databaseUrl: string, title: string): Promise<MedusaInstance> {
  let port = await freePort();
  let baseUrl = `http://127.0.0.1:${port}`;
  const env = cleanEnv({
    NODE_ENV: "development",
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(24).toString("hex"),
    COOKIE_SECRET: randomBytes(24).toString("hex"),
    STORE_URL: baseUrl,
    PORT: String(port),
    MEDUSA_ADMIN_DISABLED: "true",
    MEDUSA_DISABLE_TELEMETRY: "true",
    DO_NOT_TRACK: "1",
    STORE_TITLE: title,
  });
  let daemon: Daemon | undefined;
  const cli = async (...args: string[]) => {
    const result = await runCommand("node", [CLI, ...args], {
      cwd: MEDUSA_DIR,
      env,
      timeoutMs: 240_000,
    });
    if (result.code !== 0)
      throw new Error(
        `medusa ${args.join(" ")} exited ${result.code}\n${result.output.slice(-3000)}`,
      );
    return result.output;
  };
  const createAdmin = async (email: string, password: string) => {
    const attempt = async () => {
      // --name=value, as the chart's Job passes them: a password that begins
      // with "-" is otherwise read as options (the CI failures' cause).
      const output = await cli("user", `--email=${email}`, `--password=${password}`);
      const created = output.includes("User created successfully");
      return { output, created, rows: await adminIdentityRows(databaseUrl, email) };
    };
    const where = databaseUrl.replace(/\/\/[^@]*@/, "//");
    let result = await attempt();
    if (result.rows === 0) {
      // A password read as options did this (fixed by --name=value above).
      // Said loudly, then one more run: the suites test restores, not this.
      console.warn(
        `medusa user --email=${email} exited 0 (${result.created ? "reporting success" : "without reporting success"}) but left no identity row in ${where}; running it once more. Its output:\n${result.output.slice(-3000)}`,
      );
      result = await attempt();
    }
    if (!result.created || result.rows !== 1)
      throw new Error(
        `medusa user --email=${email}: ${result.rows} email/password identity row(s) in ${where}; its output:\n${result.output.slice(-3000)}`,
      );
  };
  return {
    get baseUrl() {
      return baseUrl;
    },
    databaseUrl,
    env,
    cli,
    createAdmin,
    log: () => daemon?.log() ?? "",
    start: async () => {
      // The port is picked now, not when the instance was made: migrations and
      // the seed take tens of seconds, and a port that stays unbound that long
      // can be taken meanwhile (another suite's server, any outgoing
      // connection), after which /health would be answered by someone else.
      const answers = (url: string) =>
        fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then(
          () => true,
          () => false,
        );
      do {
        port = await freePort();
        baseUrl = `http://127.0.0.1:${port}`;
      } while (await answers(baseUrl));
      env.PORT = String(port);
      env.STORE_URL = baseUrl;
      daemon = startDaemon("node", [CLI, "start"], { cwd: MEDUSA_DIR, env });
      const server = daemon;
      await waitFor(
        `medusa start at ${baseUrl}`,
        async () => (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) })).ok,
        120_000,
        () =>
          server.child.exitCode !== null
            ? `exited ${server.child.exitCode}\n${server.log().slice(-3000)}`
            : null,
      );
    },
    stop: async () => {
      await daemon?.stop();
      daemon = undefined;
    },
  };
}
