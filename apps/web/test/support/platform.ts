// The composition the browser tests run against: the real web server, the
// real controller loop, a real database and the SIMULATED cluster (test tool).
//
// `startTestPlatform` is the one function to swap once the lead's
// `startPlatform({ databaseUrl, cluster: "simulated", port })` lands in
// scripts/platform.ts; until then it composes the pieces itself from
// startWebServer (apps/web/server/app.ts) and ControllerLoop
// (apps/controller/src/loop.ts).
import { randomBytes } from "node:crypto";
import { type ApiConfig, readApiConfig } from "@storeplane/api";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "@storeplane/db";
import {
  createSimulatedCluster,
  DEFAULT_LATENCIES,
  type SimulatedCluster,
  type SimulatedLatencies,
} from "@storeplane/k8s/simulated";
import pino from "pino";
import { ChartCatalog } from "../../../controller/src/desired.ts";
import { readControllerConfig } from "../../../controller/src/env.ts";
import { ControllerLoop } from "../../../controller/src/loop.ts";
import { startWebServer } from "../../server/app.ts";
import { createSimulatedClusterReader } from "../../server/simulated-cluster-reader.ts";

export interface TestPlatformOptions {
  /** A database of its own (from createFreshDatabase); PGlite in memory when absent. */
  databaseUrl?: string;
  storeLimitPerUser?: number;
  storeLimitPlatform?: number;
  latencies?: Partial<SimulatedLatencies>;
  /** Seconds before a store that cannot come up turns Failed. */
  provisioningDeadlineSeconds?: number;
  mode?: "development" | "production";
  port?: number;
  logLevel?: string;
}

export interface TestPlatform {
  url: string;
  database: DatabaseHandle;
  simulation: SimulatedCluster;
  apiConfig: ApiConfig;
  close(): Promise<void>;
}

export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const logger = pino({ level: options.logLevel ?? process.env.LOG_LEVEL ?? "warn" });
  const database = await openDatabase({ url: options.databaseUrl, poolSize: 20 });
  await migrateToLatest(database.db);

  const simulation = createSimulatedCluster({
    latencies: { ...DEFAULT_LATENCIES, ...options.latencies },
  });
  const controllerConfig = readControllerConfig({
    NODE_ENV: "test",
    CLUSTER: "simulated",
    SWEEP_INTERVAL_MS: "1000",
    PROGRESS_INTERVAL_MS: "250",
    BACKOFF_BASE_MS: "200",
    BACKOFF_CAP_MS: "2000",
    PROVISIONING_DEADLINE_SECONDS: String(options.provisioningDeadlineSeconds ?? 120),
    SHUTDOWN_GRACE_SECONDS: "2",
    REPLICA_ID: `test-${randomBytes(3).toString("hex")}`,
    LOG_LEVEL: "warn",
  });
  const loop = new ControllerLoop({
    handle: database,
    cluster: simulation.connect("controller"),
    config: controllerConfig,
    charts: new ChartCatalog(controllerConfig.chartsDir, controllerConfig.valuesProfile),
    replicaId: controllerConfig.replicaId,
    logger: logger.child({ component: "controller" }),
  });
  await loop.start();

  const apiConfig = readApiConfig({
    NODE_ENV: "test",
    STORE_LIMIT_PER_USER: String(options.storeLimitPerUser ?? 5),
    STORE_LIMIT_PLATFORM: String(options.storeLimitPlatform ?? 50),
    // Browser suites sign up and post a lot from one address.
    RATE_LIMIT_LOGIN: "1000",
    RATE_LIMIT_SIGNUPS: "1000",
    RATE_LIMIT_MUTATIONS: "1000",
  });
  const reader = createSimulatedClusterReader(simulation.connect("web"));
  const web = await startWebServer({
    database,
    clusterReader: reader,
    clusterInfo: () => reader.info(),
    logger,
    mode:
      options.mode ?? (process.env.WEB_TEST_MODE === "development" ? "development" : "production"),
    port: options.port ?? 0,
    apiConfig,
  });

  return {
    url: web.url,
    database,
    simulation,
    apiConfig,
    async close() {
      await web.close();
      await loop.stop(1_000);
      await database.close();
    },
  };
}
