// The one interface the controller uses to act on and observe a cluster. Two
// implementations: the real one (client-node + helm CLI) and the simulated one
// (in memory, for tests, benchmarks and a clearly labelled demo mode).
//
// Observation is cluster-wide and label-selected: `snapshot()` costs the same
// number of API reads whether there are 5 stores or 500, and never runs helm
// (Helm's own release Secrets are read through the API instead).

import type { ClusterMode } from "./cluster-mode.ts";

export type { ClusterMode };

export interface ClusterInfo {
  mode: ClusterMode;
  reachable: boolean;
  /** kubeconfig context name, or "simulated". */
  context: string | null;
  server: string | null;
  /** Human sentence for the dashboard banner, e.g. "unreachable: connect ECONNREFUSED". */
  message: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export type HelmReleaseStatus =
  | "deployed"
  | "failed"
  | "pending-install"
  | "pending-upgrade"
  | "pending-rollback"
  | "uninstalling"
  | "superseded"
  | "uninstalled"
  | "unknown";

export interface HelmReleaseState {
  name: string;
  namespace: string;
  /** Latest revision only. */
  revision: number;
  status: HelmReleaseStatus;
  /** From the release Secret's `storeplane.io/values-digest` label. */
  valuesDigest: string | null;
}

export interface ContainerState {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  /** e.g. ImagePullBackOff, ErrImagePull, CrashLoopBackOff, CreateContainerConfigError */
  waitingReason: string | null;
  waitingMessage: string | null;
  /** e.g. OOMKilled, Error, Completed */
  lastTerminatedReason: string | null;
}

export interface PodState {
  name: string;
  namespace: string;
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  ready: boolean;
  /** Owner workload/job name when known (from ownerReferences or the app.kubernetes.io/name label). */
  owner: string | null;
  /** Unschedulable message from the PodScheduled condition, when pending for that reason. */
  unschedulableMessage: string | null;
  containers: ContainerState[];
  createdAt: string | null;
  /** Added by packages/k8s: deletion requested but the pod still exists. Optional for older producers. */
  terminating?: boolean;
  /** Added by packages/k8s: metadata.finalizers, to explain what holds a terminating namespace. */
  finalizers?: string[];
}

export interface WorkloadState {
  kind: "Deployment" | "StatefulSet";
  name: string;
  namespace: string;
  desiredReplicas: number;
  readyReplicas: number;
}

export interface JobState {
  name: string;
  namespace: string;
  active: number;
  succeeded: number;
  failed: number;
  /** Job condition Complete=True */
  complete: boolean;
  /** Job condition Failed=True, with its reason/message */
  failedReason: string | null;
  failedMessage: string | null;
  /**
   * Added by packages/k8s for a failed Job: the reason its script gave, the
   * termination message of its newest pod that exited with an error
   * (images/backup/*.sh write their one-line reason to /dev/termination-log).
   * Null when no pod left one; absent where pods are not read (the simulated
   * cluster).
   */
  scriptReason?: string | null;
}

export interface PvcState {
  name: string;
  namespace: string;
  /** Pending/Bound/Lost, or "Terminating" when deletion was requested but a finalizer holds it. */
  phase: string;
  /** Added by packages/k8s: metadata.finalizers (e.g. kubernetes.io/pvc-protection). */
  finalizers?: string[];
}

export interface EventState {
  namespace: string;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  involvedKind: string;
  involvedName: string;
  lastSeen: string | null;
}

export interface NamespaceState {
  name: string;
  storeId: string | null;
  phase: "Active" | "Terminating";
  labels: Record<string, string>;
  /** Guardrail objects present, by `${kind}/${name}` → their spec-digest label (null if missing the label). */
  guardrails: Record<string, string | null>;
  /** Names of Secrets the platform created in this namespace. */
  secrets: string[];
  releases: HelmReleaseState[];
  workloads: WorkloadState[];
  jobs: JobState[];
  pods: PodState[];
  pvcs: PvcState[];
  /** Recent Warning events only. */
  events: EventState[];
  /**
   * Added by packages/k8s: messages of the namespace's own True conditions while
   * terminating (NamespaceContentRemaining, NamespaceFinalizersRemaining, …).
   */
  terminationMessages?: string[];
}

export interface ClusterSnapshot {
  takenAt: Date;
  /** Only platform-managed namespaces, by name. */
  namespaces: Map<string, NamespaceState>;
}

export interface SnapshotScope {
  namespaces?: readonly string[];
}

export interface EnsureNamespaceInput {
  name: string;
  labels: Record<string, string>;
}

export interface ReleaseSpec {
  namespace: string;
  release: string;
  /** Chart directory (or packaged chart path). */
  chart: string;
  /** Extra values files applied before `values` (e.g. charts/woocommerce/values-local.yaml). */
  valuesFiles: string[];
  /** Values from the controller; never secrets (those come from existingSecret). */
  values: Record<string, unknown>;
  /** Short digest (≤ 40 chars) of chart version + values files + values, stored as a release label. */
  valuesDigest: string;
  timeoutSeconds: number;
}

/**
 * Options for calls that run helm. Aborting ends the helm process (SIGTERM):
 * helm then marks the release failed instead of leaving it pending-*, which is
 * how the controller shuts down without stranding a release.
 */
export interface ClusterCallOptions {
  signal?: AbortSignal;
}

/** Which earlier revision a rollback returns to. */
export interface RollbackTarget {
  /**
   * The `storeplane.io/values-digest` label of the revision to return to: the
   * digest the controller computes for the store's previous chart version.
   * The newest earlier `deployed`/`superseded` revision carrying it is chosen.
   */
  valuesDigest: string;
}

export type RollbackOutcome =
  /** helm rollback ran: `revision` is the new revision, a copy of `to`. */
  | { outcome: "rolled-back"; from: number; to: number; revision: number }
  /** The latest revision already is that one and deployed: helm ran nothing. */
  | { outcome: "current"; revision: number }
  /** No earlier revision carries that digest (history trimmed, values changed): helm ran nothing. */
  | { outcome: "no-revision"; latest: number | null };

/** An engine's health endpoint, from its chart's storeplane.io/health-* annotations. */
export interface ServiceHealthTarget {
  /** The Service's name (release-prefixed, e.g. "store-medusa"). */
  service: string;
  /** Port name or number on the Service. */
  port: string;
  /** Absolute path, e.g. "/health". */
  path: string;
}

export interface ServiceHealth {
  /** 200 ≤ status < 400, as Kubernetes counts an HTTP probe successful. */
  ok: boolean;
  /** What the engine (or the proxy) answered. */
  status: number;
  /** First line of the answer, for the reason a human reads (never a secret: a health page). */
  excerpt: string;
}

export interface Cluster {
  readonly mode: ClusterMode;
  info(): Promise<ClusterInfo>;
  /**
   * Cluster-wide, label-selected observation of every managed namespace.
   * `scope.namespaces` says which ones the caller will look at: a hint the
   * watch cache uses to build only those; an implementation may return more.
   */
  snapshot(scope?: SnapshotScope): Promise<ClusterSnapshot>;
  /**
   * Called with a store id as soon as something that store owns changes in
   * the cluster (the real cluster's watch cache). Absent where nothing can
   * report changes; the controller's drift interval still covers those.
   */
  onStoreChanged?(listener: (storeId: string) => void): () => void;
  /** Ends background work (the watch streams). */
  close?(): Promise<void>;

  /** Create the namespace if absent, else make sure its labels are set. */
  ensureNamespace(input: EnsureNamespaceInput): Promise<void>;
  /**
   * Server-side apply with the platform's field manager. Kinds: the
   * guardrails (ResourceQuota, LimitRange, NetworkPolicy) and a backup's
   * objects (batch/v1 Job, v1 Secret); any other kind is refused as Invalid.
   */
  applyObjects(namespace: string, objects: KubeObject[]): Promise<void>;
  /** One Job's state, read from the API server (not the snapshot cache); null when it does not exist. */
  readJob(namespace: string, name: string): Promise<JobState | null>;
  /** Delete a Job and its pods (background propagation); a Job already gone counts as deleted. */
  deleteJob(namespace: string, name: string): Promise<{ deleted: boolean }>;
  /**
   * Set a workload's replicas through its `scale` subresource (what
   * `kubectl scale` does: the rest of the spec is untouched). Returns the
   * replicas it had; NotFound when the workload does not exist. The
   * controller's ClusterRole grants deployments/scale only (the restore
   * runner's maintenance); a StatefulSet is Forbidden on a real cluster.
   */
  scaleWorkload(
    namespace: string,
    kind: WorkloadState["kind"],
    name: string,
    replicas: number,
  ): Promise<{ previousReplicas: number }>;
  /** Create the Secret once with generated data; never overwrite an existing one. */
  ensureSecret(
    namespace: string,
    name: string,
    labels: Record<string, string>,
    generate: () => Record<string, string>,
  ): Promise<{ created: boolean }>;
  readSecret(namespace: string, name: string): Promise<Record<string, string> | null>;
  /**
   * Copy a Secret (type and data) from another namespace, creating or updating
   * the copy (the store's registry pull Secret). NotFound when the source is absent.
   */
  copySecret(
    from: { namespace: string; name: string },
    toNamespace: string,
    labels: Record<string, string>,
  ): Promise<void>;

  /** helm upgrade --install (no --wait: the controller observes progress itself). */
  installRelease(spec: ReleaseSpec, opts?: ClusterCallOptions): Promise<void>;
  /** Recover a release stuck in pending-* by a dead process: roll back to the last good revision, or remove a never-deployed one. */
  unlockRelease(namespace: string, release: string, opts?: ClusterCallOptions): Promise<void>;
  /**
   * `helm rollback` to the last deployed revision built from the store's
   * previous chart version (found by its values-digest label in the
   * release's history). Helm copies that revision's chart, values and labels
   * into a new revision, so afterwards the release carries the digest again.
   */
  rollbackRelease(
    namespace: string,
    release: string,
    target: RollbackTarget,
    opts?: ClusterCallOptions,
  ): Promise<RollbackOutcome>;
  uninstallRelease(namespace: string, release: string, opts?: ClusterCallOptions): Promise<void>;
  /**
   * One GET of the engine's health path through the API server's service
   * proxy (the path from outside the pod, through the Service): what a
   * rollout's health gate asks of an upgraded store.
   */
  checkServiceHealth(namespace: string, target: ServiceHealthTarget): Promise<ServiceHealth>;
  deleteNamespace(name: string): Promise<void>;
}
