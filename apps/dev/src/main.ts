// `npm run dev`: the dashboard, the API and the controller in one process on
// the embedded database (see platform.ts for why one process).
import { resolve } from "node:path";
import pino from "pino";
import { z } from "zod";
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
    LOG_LEVEL: z.string().default("info"),
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

const banner =
  env.CLUSTER === "simulated"
    ? "cluster: SIMULATED (in-memory test and demo tool; nothing reaches Kubernetes)"
    : "cluster: your current kubeconfig context (the dashboard banner says whether it is reachable)";
logger.info(`dashboard: ${platform.url}  ·  API: ${platform.url}/api/trpc  ·  ${banner}`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    void platform.close().finally(() => process.exit(0));
  });
}
