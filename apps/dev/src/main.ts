// `npm run dev`: the dashboard, the API and the controller in one process on
// the embedded database (see platform.ts for why one process).
import { resolve } from "node:path";
import { DatabaseModeMismatch, describeEnvIssues, readDatabaseEnv } from "@storeplane/db";
import { clusterModeSchema } from "@storeplane/k8s";
import { createLogger } from "@storeplane/k8s/logging";
import { z } from "zod";
import { startupBanner } from "./banner.ts";
import { startPlatform } from "./platform.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");

/** A configuration or start-up refusal: one plain line for a person, no stack trace. */
function refuse(message: string): never {
  process.stderr.write(`storeplane dev: ${message}\n`);
  process.exit(1);
}

const parsedEnv = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Loopback by default: a development server must not answer the network. */
    HOST: z.string().default("127.0.0.1"),
    TRUST_PROXY: z.string().optional(),
    CLUSTER: clusterModeSchema,
    // Quiet by default: start-up prints the banner below, and warnings and
    // errors still show. LOG_LEVEL=info (or debug) shows the controller at work.
    LOG_LEVEL: z.string().default("warn"),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));
if (!parsedEnv.success) {
  refuse(describeEnvIssues(parsedEnv.error.issues));
}
const env = parsedEnv.data;
// One database per mode by default (.data/pglite, .data/pglite-simulated), at the repository root.
const database = (() => {
  try {
    return readDatabaseEnv(process.env, { cwd: REPO_ROOT, mode: env.CLUSTER });
  } catch (error) {
    return refuse((error as Error).message);
  }
})();

// The platform's one redaction list, shared by the dashboard, the API and the controller in this process.
const logger = createLogger({
  level: env.LOG_LEVEL,
  transport: process.stdout.isTTY
    ? { target: "pino-pretty", options: { ignore: "pid,hostname" } }
    : undefined,
});

const platform = await startPlatform({
  cluster: env.CLUSTER,
  databaseUrl: database.url,
  dataDir: database.dataDir,
  port: env.PORT,
  host: env.HOST,
  ...(env.TRUST_PROXY ? { trustProxy: env.TRUST_PROXY } : {}),
  logger,
}).catch((error: unknown) =>
  error instanceof DatabaseModeMismatch ? refuse(error.message) : Promise.reject(error),
);

// Plain output, not a log line: it is what a person reads first.
process.stdout.write(
  startupBanner({
    url: platform.url,
    cluster: await platform.clusterInfo(),
    database: platform.database.description,
    pgliteDataDir: database.url ? null : database.dataDir,
  }),
);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    void platform.close().finally(() => process.exit(0));
  });
}
