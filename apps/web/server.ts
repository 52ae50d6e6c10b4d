// Standalone entry for the dashboard (production image, or `npm run dev -w
// @storeplane/web` without the controller). `npm run dev` at the root uses
// startWebServer from server/app.ts instead, sharing one process with the
// controller.
import { readApiConfig } from "@storeplane/api";
import { claimDatabaseMode, migrateToLatest, openDatabase } from "@storeplane/db";
import { createClusterReader } from "@storeplane/k8s";
import { createLogger } from "@storeplane/k8s/logging";
import { readWebEnv } from "./app/env.server.ts";
import type { ClusterStatus } from "./app/utils/load-context.server.ts";
import { startWebServer } from "./server/app.ts";

const env = readWebEnv();
// The platform's one redaction list; the API inside this process logs through it too.
const logger = createLogger({ level: env.LOG_LEVEL });

const database = await openDatabase({
  url: env.database.url,
  dataDir: env.database.url ? undefined : env.database.dataDir,
  onListenError: (error) => logger.warn({ err: error }, "LISTEN connection failed"),
});
await migrateToLatest(database.db);
// A dashboard of the other mode would show (and let users act on) stores that
// belong to another cluster: refuse, naming the modes and the fix.
await claimDatabaseMode(database.db, env.CLUSTER, database.description);
logger.info({ database: database.description }, "database ready");

// The simulated cluster lives in the controller's memory: a separate
// dashboard process cannot read it, so it says so instead of pretending.
const clusterReader = env.CLUSTER === "kube" ? createClusterReader({ logger }) : null;
const clusterInfo = async (): Promise<ClusterStatus> =>
  clusterReader
    ? clusterReader.info()
    : {
        mode: "simulated",
        reachable: false,
        context: "simulated",
        server: null,
        message:
          "SIMULATED cluster (CLUSTER=simulated, a test and demo tool) in the controller process; this dashboard reads no cluster",
      };

const server = await startWebServer({
  database,
  clusterReader,
  clusterInfo,
  logger,
  mode: env.NODE_ENV === "production" ? "production" : "development",
  port: env.PORT,
  trustProxy: env.TRUST_PROXY ?? false,
  // Production serves the pod network; development stays on loopback.
  host: env.HOST ?? (env.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1"),
  ...(env.DASHBOARD_URL ? { dashboardUrl: env.DASHBOARD_URL } : {}),
  ...(env.SESSION_SECRET ? { sessionSecret: env.SESSION_SECRET } : {}),
  apiConfig: readApiConfig(),
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await server.close();
    await database.close();
    process.exit(0);
  });
}
