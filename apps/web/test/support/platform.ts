// The composition the browser tests run against: the real web server, the
// real controller loop, a real database and the SIMULATED cluster (test tool),
// all in one process — the same composition as `npm run dev`
// (`startPlatform` from apps/dev). Only this function knows how it is built.
import { randomBytes } from "node:crypto";
import type { ApiConfig } from "@storeplane/api";
import type { DatabaseHandle } from "@storeplane/db";
import type { SimulatedCluster, SimulatedLatencies } from "@storeplane/k8s/simulated";
import pino from "pino";
// Imported by path: apps/dev depends on apps/web, so a package dependency
// back would be a cycle; only this test support module needs it.
import { startPlatform } from "../../../dev/src/platform.ts";

export interface TestPlatformOptions {
  /** The simulated cluster (default), or the kubeconfig's cluster — for tests of an unreachable one. */
  cluster?: "simulated" | "kube";
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
  /** Hops trusted to set X-Forwarded-* (default none, as in development). */
  trustProxy?: string;
  /** API settings over the suite defaults (e.g. a low RATE_LIMIT_LOGIN). */
  apiEnv?: Record<string, string>;
  /** Controller settings over the suite defaults (e.g. STORE_CHARTS_DIR, ROLLOUT_INTERVAL_MS). */
  controllerEnv?: Record<string, string>;
}

export interface TestPlatform {
  url: string;
  database: DatabaseHandle;
  /** The simulated cluster's controls (fault injection); null with cluster "kube". */
  simulation: SimulatedCluster | null;
  apiConfig: ApiConfig;
  close(): Promise<void>;
}

export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const logger = pino({ level: options.logLevel ?? process.env.LOG_LEVEL ?? "warn" });
  const platform = await startPlatform({
    cluster: options.cluster ?? "simulated",
    databaseUrl: options.databaseUrl,
    port: options.port ?? 0,
    logger,
    mode:
      options.mode ?? (process.env.WEB_TEST_MODE === "development" ? "development" : "production"),
    latencies: options.latencies ?? {},
    controllerEnv: {
      REPLICA_ID: `test-${randomBytes(3).toString("hex")}`,
      SWEEP_INTERVAL_MS: "1000",
      PROGRESS_INTERVAL_MS: "250",
      BACKOFF_BASE_MS: "200",
      BACKOFF_CAP_MS: "2000",
      PROVISIONING_DEADLINE_SECONDS: String(options.provisioningDeadlineSeconds ?? 120),
      SHUTDOWN_GRACE_SECONDS: "1",
      METRICS_PORT: "0",
      ...options.controllerEnv,
    },
    apiEnv: {
      NODE_ENV: "test",
      STORE_LIMIT_PER_USER: String(options.storeLimitPerUser ?? 5),
      STORE_LIMIT_PLATFORM: String(options.storeLimitPlatform ?? 50),
      // Browser suites sign up and post a lot from one address.
      RATE_LIMIT_LOGIN: "1000",
      RATE_LIMIT_LOGIN_PER_IP: "1000",
      RATE_LIMIT_SIGNUPS: "1000",
      RATE_LIMIT_MUTATIONS: "1000",
      ...options.apiEnv,
    },
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  });
  return {
    url: platform.url,
    database: platform.database,
    simulation: platform.simulation,
    apiConfig: platform.apiConfig,
    close: () => platform.close(),
  };
}
