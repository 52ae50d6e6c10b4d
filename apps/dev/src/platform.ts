// The composition root for development, demos and the browser tests: the
// dashboard (apps/web) and the controller loop (apps/controller) in ONE
// process. One process because PGlite is one process's database, and because
// the simulated cluster lives in memory: the controller acts on it and the
// dashboard's cluster reader reads the very same instance.
//
// Production never runs this: there web and controller are separate
// Deployments (charts/platform) talking to real Postgres and Kubernetes.
import { randomBytes } from "node:crypto";
import { type ApiConfig, readApiConfig } from "@storeplane/api";
import {
  ChartCatalog,
  type ControllerConfig,
  ControllerLoop,
  createCluster,
  createRolloutHealthCheck,
  RolloutDriver,
  readBackupSettings,
  readControllerConfig,
  startBackupWork,
  storeReleaseOf,
} from "@storeplane/controller";
import {
  claimDatabaseMode,
  type DatabaseHandle,
  migrateToLatest,
  openDatabase,
} from "@storeplane/db";
import { type Cluster, type ClusterMode, createClusterReader } from "@storeplane/k8s";
import {
  createSimulatedCluster,
  DEFAULT_LATENCIES,
  type SimulatedCluster,
  type SimulatedLatencies,
} from "@storeplane/k8s/simulated";
import { type ClusterStatus, startWebServer } from "@storeplane/web/server";
import { createSimulatedClusterReader } from "@storeplane/web/simulated-cluster-reader";
import type { Logger } from "pino";

export interface PlatformOptions {
  cluster: ClusterMode;
  /** Real Postgres; the embedded PGlite (in `dataDir`, or in memory) when absent. */
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  port: number;
  logger: Logger;
  mode?: "development" | "production";
  /** Extra controller settings, as environment strings (SWEEP_INTERVAL_MS, …). */
  controllerEnv?: Record<string, string>;
  /** Extra API settings, as environment strings (STORE_LIMIT_PER_USER, …). */
  apiEnv?: Record<string, string>;
  /** Simulated-cluster latencies (demo and tests). */
  latencies?: Partial<SimulatedLatencies>;
  sessionSecret?: string;
  /** Interface the dashboard (and Vite's HMR socket) listen on; 127.0.0.1 by default. */
  host?: string;
  /** Hops trusted to set X-Forwarded-* (default none). */
  trustProxy?: string | false;
}

export interface Platform {
  url: string;
  database: DatabaseHandle;
  /** Present only in simulated mode: the test and demo tool, for fault injection. */
  simulation: SimulatedCluster | null;
  apiConfig: ApiConfig;
  controllerConfig: ControllerConfig;
  /** What the dashboard banner shows: the same reader, the same words. */
  clusterInfo(): Promise<ClusterStatus>;
  close(): Promise<void>;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { logger } = options;
  const database = await openDatabase({
    url: options.databaseUrl,
    dataDir: options.databaseUrl ? undefined : options.dataDir,
    poolSize: 20,
    onListenError: (error) =>
      logger.warn({ err: error }, "LISTEN connection failed; the sweep still runs"),
  });
  await migrateToLatest(database.db);
  // Demo stores must never meet a real cluster (nor real stores the simulator):
  // a database of the other mode stops start-up here, before any reconcile.
  await claimDatabaseMode(database.db, options.cluster, database.description).catch(
    async (error: unknown) => {
      await database.close();
      throw error;
    },
  );
  logger.debug({ database: database.description }, "database ready");

  const controllerConfig = readControllerConfig({
    REPLICA_ID: `dev-${randomBytes(3).toString("hex")}`,
    ...process.env,
    ...options.controllerEnv,
    CLUSTER: options.cluster,
  });

  const helmAbort = new AbortController();
  let simulation: SimulatedCluster | null = null;
  let controllerCluster: Cluster;
  let clusterReader: ReturnType<typeof createClusterReader>;
  if (options.cluster === "simulated") {
    simulation = createSimulatedCluster({
      latencies: { ...DEFAULT_LATENCIES, ...options.latencies },
    });
    controllerCluster = simulation.connect("controller");
    clusterReader = createSimulatedClusterReader(simulation.connect("web"));
    // Info, not warn: `npm run dev`'s start-up banner already says SIMULATED.
    logger.info(
      "SIMULATED CLUSTER (test and demo tool): stores are provisioned in memory, nothing reaches Kubernetes",
    );
  } else {
    controllerCluster = createCluster(
      controllerConfig,
      logger.child({ component: "cluster" }),
      helmAbort.signal,
    );
    clusterReader = createClusterReader({ logger });
  }

  const charts = new ChartCatalog(controllerConfig.chartsDir, controllerConfig.valuesProfile);
  const rollouts = new RolloutDriver({
    handle: database,
    intervalMs: controllerConfig.rolloutIntervalMs,
    logger: logger.child({ component: "controller" }),
    healthCheck: createRolloutHealthCheck(controllerCluster, charts),
  });
  const loop = new ControllerLoop({
    handle: database,
    cluster: controllerCluster,
    config: controllerConfig,
    charts,
    replicaId: controllerConfig.replicaId,
    logger: logger.child({ component: "controller" }),
    observers: [rollouts.observer],
  });
  await loop.start();
  // Only when backups are enabled (BACKUPS_ENABLED=true and an object store).
  const backupSettings = readBackupSettings({ ...process.env, ...options.controllerEnv });
  const stopBackupWork = backupSettings
    ? await startBackupWork({
        handle: database,
        cluster: controllerCluster,
        settings: backupSettings,
        logger: logger.child({ component: "controller" }),
        releaseOf: storeReleaseOf(controllerConfig, charts),
        env: { ...process.env, ...options.controllerEnv },
      })
    : null;
  rollouts.start();

  const apiConfig = readApiConfig({ ...process.env, ...options.apiEnv });
  const web = await startWebServer({
    database,
    clusterReader,
    clusterInfo: (): Promise<ClusterStatus> => clusterReader.info(),
    logger: logger.child({ component: "web" }),
    mode: options.mode ?? "development",
    port: options.port,
    host: options.host ?? "127.0.0.1",
    trustProxy: options.trustProxy ?? false,
    apiConfig,
    ...(options.sessionSecret ? { sessionSecret: options.sessionSecret } : {}),
  });

  return {
    url: web.url,
    database,
    simulation,
    apiConfig,
    controllerConfig,
    clusterInfo: () => clusterReader.info(),
    async close() {
      await web.close();
      await stopBackupWork?.();
      await rollouts.stop();
      await loop.stop(controllerConfig.shutdownGraceMs);
      helmAbort.abort();
      await database.close();
    },
  };
}
