// The controller process: configuration, logger, database, cluster, loop,
// health/metrics server, and a graceful shutdown on SIGTERM/SIGINT.
import {
  claimDatabaseMode,
  countStoresByPhase,
  migrateToLatest,
  openDatabase,
} from "@storeplane/db";
import { createLogger } from "@storeplane/k8s/logging";
import { sql } from "kysely";
import { readBackupSettings } from "./backups/backup-env.ts";
import { startBackupWork } from "./backups/backup-work.ts";
import { createCluster } from "./cluster.ts";
import { ChartCatalog, storeReleaseOf } from "./desired.ts";
import { readControllerConfig } from "./env.ts";
import { createHttpServer } from "./http.ts";
import { ControllerLoop } from "./loop.ts";
import { createMetrics, metricsObserver } from "./metrics.ts";
import { startRetention } from "./retention.ts";
import { RolloutDriver } from "./rollouts/driver.ts";
import { createRolloutHealthCheck } from "./rollouts/health-check.ts";

async function main(): Promise<void> {
  const config = readControllerConfig();
  // Null when backups are off; incomplete settings stop the start here.
  const backupSettings = readBackupSettings(process.env);
  // The platform's one redaction list: no generated credential is ever logged,
  // whatever a call site passes. The loop's child logger adds the replica id.
  const logger = createLogger({
    level: config.logLevel,
    base: { service: "controller", clusterMode: config.cluster },
  });
  const handle = await openDatabase({
    url: config.database.url,
    dataDir: config.database.url ? undefined : config.database.dataDir,
    onListenError: (error) =>
      logger.warn({ err: error }, "LISTEN connection failed; relying on the sweep"),
  });
  logger.info({ database: handle.description }, "database opened");
  await migrateToLatest(handle.db);
  // Before any cluster is touched: a database of the other mode stops us here.
  await claimDatabaseMode(handle.db, config.cluster, handle.description);

  const helmAbort = new AbortController();
  const cluster = createCluster(config, logger, helmAbort.signal);
  const info = await cluster.info();
  logger.info({ clusterInfo: info }, info.message);
  let clusterMessage = info.message;

  const charts = new ChartCatalog(config.chartsDir, config.valuesProfile);
  const rollouts = new RolloutDriver({
    handle,
    intervalMs: config.rolloutIntervalMs,
    logger,
    healthCheck: createRolloutHealthCheck(cluster, charts),
  });
  let loop: ControllerLoop | null = null;
  const metrics = createMetrics({
    queueDepth: () => loop?.depth ?? 0,
    storesByPhase: () => countStoresByPhase(handle.db),
    clusterMode: cluster.mode,
    replicaId: config.replicaId,
  });
  loop = new ControllerLoop({
    handle,
    cluster,
    config,
    charts,
    replicaId: config.replicaId,
    logger,
    observers: [metricsObserver(metrics), rollouts.observer],
  });

  const server = createHttpServer({
    replicaId: config.replicaId,
    clusterMode: cluster.mode,
    clusterMessage: () => clusterMessage,
    loopRunning: () => loop?.isRunning ?? false,
    databaseOk: async () => {
      try {
        await sql`select 1`.execute(handle.db);
        return true;
      } catch {
        return false;
      }
    },
    registry: metrics.registry,
  });
  server.listen(config.metricsPort, () =>
    logger.info({ port: config.metricsPort }, "health and metrics listening"),
  );
  const infoTimer = setInterval(() => {
    void cluster.info().then((i) => {
      clusterMessage = i.message;
    });
  }, 30_000);

  await loop.start();
  rollouts.start();
  const stopRetention = startRetention(handle, config.retention, logger);
  // Beside the loop, never in it: a backup never holds a store's reconcile.
  const stopBackupWork = backupSettings
    ? await startBackupWork({
        handle,
        cluster,
        settings: backupSettings,
        logger,
        releaseOf: storeReleaseOf(config, charts),
        env: process.env,
      })
    : null;

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down");
    clearInterval(infoTimer);
    stopRetention();
    await stopBackupWork?.();
    await rollouts.stop().catch(() => undefined);
    try {
      await loop?.stop();
    } finally {
      helmAbort.abort();
      await cluster.close?.().catch(() => undefined); // the watch streams
      server.close();
      await handle.close();
      logger.info("bye");
      process.exit(0);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  // pino may not exist yet (bad configuration): plain stderr, no secrets in env errors.
  console.error("controller failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
