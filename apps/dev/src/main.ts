// `npm run dev`: the dashboard, the API and the controller in one process on
// the embedded database (see platform.ts for why one process).
import { resolve } from "node:path";
import pino from "pino";
import { z } from "zod";
import { startupBanner } from "./banner.ts";
import { startPlatform } from "./platform.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");

const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Loopback by default: a development server must not answer the network. */
    HOST: z.string().default("127.0.0.1"),
    TRUST_PROXY: z.string().optional(),
    CLUSTER: z.enum(["kube", "simulated"]).default("kube"),
    DATABASE_URL: z.string().optional(),
    PGLITE_DATA_DIR: z.string().default(resolve(REPO_ROOT, ".data/pglite")),
    // Quiet by default: start-up prints the banner below, and warnings and
    // errors still show. LOG_LEVEL=info (or debug) shows the controller at work.
    LOG_LEVEL: z.string().default("warn"),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== "")));

const logger = pino({
  level: env.LOG_LEVEL,
  transport: process.stdout.isTTY
    ? { target: "pino-pretty", options: { ignore: "pid,hostname" } }
    : undefined,
  redact: {
    paths: [
      "*.password",
      "*.token",
      "*.sessionToken",
      "*.authorization",
      "*.cookie",
      "*.data",
      "*.stringData",
    ],
    censor: "[redacted]",
  },
});

const platform = await startPlatform({
  cluster: env.CLUSTER,
  databaseUrl: env.DATABASE_URL,
  dataDir: env.PGLITE_DATA_DIR,
  port: env.PORT,
  host: env.HOST,
  ...(env.TRUST_PROXY ? { trustProxy: env.TRUST_PROXY } : {}),
  logger,
});

// Plain output, not a log line: it is what a person reads first.
process.stdout.write(
  startupBanner({
    url: platform.url,
    cluster: await platform.clusterInfo(),
    database: platform.database.description,
    pgliteDataDir: env.DATABASE_URL ? null : env.PGLITE_DATA_DIR,
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
