// The controller's environment, parsed once (STYLE.md: process.env appears
// nowhere else). The database slice comes from packages/db.
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type DatabaseEnv, describeEnvIssues, readDatabaseEnv } from "@storeplane/db";
import { type ClusterMode, clusterModeSchema } from "@storeplane/k8s";
import { z } from "zod";

/**
 * The engine charts next to this code: the nearest `charts/` above this file
 * (src/ in development, dist/ when bundled), else ./charts. Images set
 * STORE_CHARTS_DIR explicitly.
 */
function defaultChartsDir(): string {
  let dir = import.meta.dirname;
  for (;;) {
    if (existsSync(join(dir, "charts", "woocommerce", "Chart.yaml"))) return join(dir, "charts");
    const up = dirname(dir);
    if (up === dir) return resolve("charts");
    dir = up;
  }
}

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const schema = z
  .object({
    CLUSTER: clusterModeSchema,
    /**
     * CLUSTER=simulated only: keep the simulated cluster's state in this file so
     * it outlives the process (the SIGKILL test restarts the controller on it).
     */
    SIMULATED_CLUSTER_STATE_FILE: z.string().optional(),
    CONCURRENCY: int(4, 1),
    /** How often due stores are looked for when no NOTIFY arrives. */
    SWEEP_INTERVAL_MS: int(5_000, 10),
    /** Upper bound of stores claimed in one batch (they share one snapshot). */
    CLAIM_BATCH: int(1_000, 1),
    CLAIM_TTL_SECONDS: int(60, 1),
    PROVISIONING_DEADLINE_SECONDS: int(900, 1),
    BACKOFF_BASE_MS: int(2_000, 1),
    BACKOFF_CAP_MS: int(300_000, 1),
    /** A Ready store is re-observed this often (±20% jitter). */
    DRIFT_INTERVAL_SECONDS: int(300, 1),
    /** While workloads come up, look again this often. */
    PROGRESS_INTERVAL_MS: int(3_000, 1),
    /** A namespace terminating longer than this is reported with what holds it. */
    NAMESPACE_STUCK_SECONDS: int(120, 1),
    /** A shared snapshot is reused for at most this long within a batch. */
    SNAPSHOT_MAX_AGE_MS: int(5_000, 0),
    HELM_TIMEOUT_SECONDS: int(300, 1),
    SHUTDOWN_GRACE_SECONDS: int(25, 0),
    STORE_CHARTS_DIR: z.string().optional(),
    STORE_VALUES_PROFILE: z.enum(["local", "prod"]).default("local"),
    STORE_BASE_DOMAIN: z.string().min(1).default("localhost"),
    STORE_URL_SCHEME: z.enum(["http", "https"]).default("http"),
    /** Namespace of the ingress controller allowed into store namespaces (kube-system for k3s's Traefik). */
    INGRESS_NAMESPACE: z.string().min(1).default("traefik"),
    /** A registry pull Secret in POD_NAMESPACE to copy into every store namespace (unset: public images). */
    STORE_IMAGE_PULL_SECRET: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "must be a Secret name (DNS subdomain)")
      .optional(),
    /** The controller's own namespace (downward API), where STORE_IMAGE_PULL_SECRET lives. */
    POD_NAMESPACE: z.string().min(1).default("storeplane"),
    /** History retention: how often to prune (0 turns it off), and what to keep. */
    RETENTION_INTERVAL_SECONDS: int(3_600, 0),
    RETENTION_EVENT_DAYS: int(90, 1),
    RETENTION_EVENTS_KEEP_PER_STORE: int(100, 0),
    RETENTION_AUDIT_DAYS: int(90, 1),
    /** How often the rollout driver advances active rollouts (it also wakes when a reconcile ends). */
    ROLLOUT_INTERVAL_MS: int(5_000, 10),
    METRICS_PORT: int(9090, 0),
    REPLICA_ID: z.string().min(1).default(`${hostname()}-${process.pid}`),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
  })
  .superRefine((e, ctx) => {
    // A state file with a real cluster would be silently ignored: refuse it instead.
    if (e.SIMULATED_CLUSTER_STATE_FILE !== undefined && e.CLUSTER !== "simulated")
      ctx.addIssue({
        code: "custom",
        path: ["SIMULATED_CLUSTER_STATE_FILE"],
        message: `SIMULATED_CLUSTER_STATE_FILE is only for CLUSTER=simulated (the simulated cluster, a test and demo tool), but CLUSTER=${e.CLUSTER}: unset it or set CLUSTER=simulated`,
      });
  });

export type ControllerEnv = z.infer<typeof schema>;

export interface ControllerConfig {
  cluster: ClusterMode;
  /** Where the simulated cluster keeps its state; null: in memory only. */
  simulatedStateFile: string | null;
  concurrency: number;
  sweepIntervalMs: number;
  claimBatch: number;
  claimTtlSeconds: number;
  provisioningDeadlineMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  driftIntervalMs: number;
  progressIntervalMs: number;
  namespaceStuckMs: number;
  snapshotMaxAgeMs: number;
  helmTimeoutSeconds: number;
  shutdownGraceMs: number;
  chartsDir: string;
  valuesProfile: "local" | "prod";
  baseDomain: string;
  urlScheme: "http" | "https";
  ingressNamespace: string;
  /** The registry pull Secret stores get a copy of, or null. */
  storeImagePullSecret: { namespace: string; name: string } | null;
  retention: {
    intervalMs: number;
    eventDays: number;
    eventsKeepPerStore: number;
    auditDays: number;
  };
  rolloutIntervalMs: number;
  metricsPort: number;
  replicaId: string;
  logLevel: ControllerEnv["LOG_LEVEL"];
  database: DatabaseEnv;
}

export function readControllerConfig(env: NodeJS.ProcessEnv = process.env): ControllerConfig {
  // Empty strings count as unset (as in docker/helm env blocks).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    // One line per field, naming it and the rule; main prints it without a stack.
    throw new Error(describeEnvIssues(result.error.issues));
  }
  const e = result.data;
  return {
    cluster: e.CLUSTER,
    simulatedStateFile: e.SIMULATED_CLUSTER_STATE_FILE ?? null,
    concurrency: e.CONCURRENCY,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    claimBatch: e.CLAIM_BATCH,
    claimTtlSeconds: e.CLAIM_TTL_SECONDS,
    provisioningDeadlineMs: e.PROVISIONING_DEADLINE_SECONDS * 1000,
    backoffBaseMs: e.BACKOFF_BASE_MS,
    backoffCapMs: e.BACKOFF_CAP_MS,
    driftIntervalMs: e.DRIFT_INTERVAL_SECONDS * 1000,
    progressIntervalMs: e.PROGRESS_INTERVAL_MS,
    namespaceStuckMs: e.NAMESPACE_STUCK_SECONDS * 1000,
    snapshotMaxAgeMs: e.SNAPSHOT_MAX_AGE_MS,
    helmTimeoutSeconds: e.HELM_TIMEOUT_SECONDS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    chartsDir: e.STORE_CHARTS_DIR ?? defaultChartsDir(),
    valuesProfile: e.STORE_VALUES_PROFILE,
    baseDomain: e.STORE_BASE_DOMAIN,
    urlScheme: e.STORE_URL_SCHEME,
    ingressNamespace: e.INGRESS_NAMESPACE,
    storeImagePullSecret: e.STORE_IMAGE_PULL_SECRET
      ? { namespace: e.POD_NAMESPACE, name: e.STORE_IMAGE_PULL_SECRET }
      : null,
    retention: {
      intervalMs: e.RETENTION_INTERVAL_SECONDS * 1000,
      eventDays: e.RETENTION_EVENT_DAYS,
      eventsKeepPerStore: e.RETENTION_EVENTS_KEEP_PER_STORE,
      auditDays: e.RETENTION_AUDIT_DAYS,
    },
    rolloutIntervalMs: e.ROLLOUT_INTERVAL_MS,
    metricsPort: e.METRICS_PORT,
    replicaId: e.REPLICA_ID,
    logLevel: e.LOG_LEVEL,
    database: readDatabaseEnv(env, { mode: e.CLUSTER }),
  };
}
