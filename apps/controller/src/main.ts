// The controller process: configuration, logger, database, cluster, loop,
// health/metrics server, and a graceful shutdown on SIGTERM/SIGINT.

import { createObjectStore } from "@storeplane/backup";
import {
  BACKUP_WORK_CHANNEL,
  claimDatabaseMode,
  countStoresByPhase,
  migrateToLatest,
  openDatabase,
} from "@storeplane/db";
import { createLogger } from "@storeplane/k8s/logging";
import { sql } from "kysely";
import { readBackupSettings } from "./backups/backup-env.ts";
import { createRestoreRunner, RESTORE_PASS_INTERVAL_MS } from "./backups/restore-runner.ts";
import { startBackupPurge } from "./backups/purge-deleted.ts";
import { BACKUP_PASS_INTERVAL_MS, createBackupRunner } from "./backups/runner.ts";
import {
  createVerifyRunner,
  readVerifyImages,
  VERIFY_PASS_INTERVAL_MS,
} from "./backups/verify-runner.ts";
import { createCluster } from "./cluster.ts";
import { ChartCatalog } from "./desired.ts";
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
  const backups = backupSettings
    ? createBackupRunner({ db: handle.db, cluster, settings: backupSettings, logger })
    : null;
  backups?.start(BACKUP_PASS_INTERVAL_MS);
  // Restores and clones: the same settings (image, object store), the same place.
  const restores = backupSettings
    ? createRestoreRunner({ db: handle.db, cluster, settings: backupSettings, logger })
    : null;
  restores?.start(RESTORE_PASS_INTERVAL_MS);
  // A backup, restore or clone request wakes both runners at once (wakeup.ts).
  const unlistenBackups =
    backups || restores
      ? await handle.listen(BACKUP_WORK_CHANNEL, () => {
          backups?.wake();
          restores?.wake();
        })
      : null;
  // Verifications and the removal of deleted stores' backups: runners of
  // their own beside the backup runner, with the same settings.
  const verifications = backupSettings
    ? createVerifyRunner({
        db: handle.db,
        cluster,
        settings: backupSettings,
        images: readVerifyImages(process.env, backupSettings.image),
        logger,
      })
    : null;
  verifications?.start(VERIFY_PASS_INTERVAL_MS);
  const stopPurge = backupSettings
    ? startBackupPurge({
        db: handle.db,
        objects: createObjectStore(backupSettings.objectStore),
        logger,
      })
    : null;

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down");
    clearInterval(infoTimer);
    stopRetention();
    await unlistenBackups?.().catch(() => undefined);
    await backups?.stop().catch(() => undefined);
    await restores?.stop().catch(() => undefined);
    await verifications?.stop().catch(() => undefined);
    await stopPurge?.().catch(() => undefined);
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
