// One caller's view of the simulated cluster: the `Cluster` a controller
// replica (or the dashboard) holds. Every call is attributed to the caller,
// takes its latency, may be failed by the fault dice, and runs the same steps
// the real cluster runs — the snapshot through readSnapshotLists and
// buildSnapshot (per changed namespace, snapshot-cache.ts), helm through the simulated helm's release Secrets.
import type {
  Cluster,
  ClusterSnapshot,
  JobState,
  ReleaseSpec,
  RollbackOutcome,
  RollbackTarget,
  ServiceHealth,
  ServiceHealthTarget,
} from "../cluster.ts";
import { chooseRollbackRevision } from "../helm/rollback-target.ts";
import { jobToState } from "../observe/to-state.ts";
import { LABELS } from "../store-contract.ts";
import {
  applyObjects,
  copySecretInto,
  createSecretOnce,
  deleteJobAndPods,
  ensureNamespace,
  scaleWorkloadIn,
  secretData,
} from "./api-objects.ts";
import {
  type Caller,
  type CallTracker,
  increment,
  never,
  type SimulatedClusterStats,
} from "./calls.ts";
import type { Clock } from "./clock.ts";
import type { ClusterMethod, Faults } from "./faults.ts";
import { runHelmProcess } from "./helm-process.ts";
import { PENDING, type SimulatedHelm } from "./helm-releases.ts";
import type { SimulatedLatencies } from "./latencies.ts";
import { markTerminating } from "./lifecycle.ts";
import type { ObjectStore } from "./object-store.ts";

export const SIMULATED_CLUSTER_MESSAGE =
  "simulated cluster (test and demo tool) — no real Kubernetes";

/** What the callers share: the cluster's state and its bookkeeping. */
export interface SimCore {
  store: ObjectStore;
  helm: SimulatedHelm;
  calls: CallTracker;
  /** The fault switches (read by the service proxy's answers). */
  faults: Faults;
  clock: Clock;
  latencies: SimulatedLatencies;
  stats(): SimulatedClusterStats;
  save(): void;
  /** Something changed in this namespace: let its controllers react. */
  touched(namespace: string): void;
  /** Apply the passage of time before reading. */
  settle(): void;
  terminating(namespace: string): void;
  /** The snapshot from the objects as they are now (snapshot-cache.ts); `onRead` per list call. */
  snapshot(takenAt: Date, onRead: (what: string) => void): Promise<ClusterSnapshot>;
}

export function callerCluster(core: SimCore, caller: Caller): Cluster {
  const self = new CallerCluster(core, caller);
  return self.cluster();
}

class CallerCluster {
  constructor(
    private readonly core: SimCore,
    private readonly caller: Caller,
  ) {}

  cluster(): Cluster {
    return {
      mode: "simulated",
      info: async () => ({
        mode: "simulated",
        reachable: true,
        context: "simulated",
        server: null,
        message: SIMULATED_CLUSTER_MESSAGE,
      }),
      snapshot: () => this.snapshot(),
      ensureNamespace: ({ name, labels }) =>
        this.act("ensureNamespace", name, this.core.latencies.apiCallMs, () =>
          ensureNamespace(this.core.store, name, labels),
        ),
      applyObjects: (ns, objects) =>
        this.act("applyObjects", ns, this.core.latencies.apiCallMs, () => {
          applyObjects(this.core.store, ns, objects);
          // A new Job is the job controller's to run (its pod, then Complete).
          if (objects.some((o) => o.kind === "Job")) this.core.touched(ns);
        }),
      readJob: (ns, name) => this.readJob(ns, name),
      deleteJob: (ns, name) =>
        this.act("deleteJob", ns, this.core.latencies.apiCallMs, () => {
          const result = deleteJobAndPods(this.core.store, ns, name);
          if (result.deleted) this.core.touched(ns);
          return result;
        }),
      scaleWorkload: (ns, kind, name, replicas) =>
        this.act("scaleWorkload", ns, this.core.latencies.apiCallMs, () => {
          const result = scaleWorkloadIn(this.core.store, ns, kind, name, replicas);
          // The Deployment/StatefulSet controller's to act on (pods go or come).
          this.core.touched(ns);
          return result;
        }),
      ensureSecret: (ns, name, labels, generate) =>
        this.act("ensureSecret", ns, this.core.latencies.apiCallMs, () => {
          this.core.stats().reads += 1;
          return createSecretOnce(this.core.store, ns, name, labels, generate);
        }),
      readSecret: (ns, name) => this.readSecretAs(ns, name),
      copySecret: (from, toNamespace, labels) =>
        this.act("copySecret", toNamespace, this.core.latencies.apiCallMs, () => {
          this.core.stats().reads += 1;
          copySecretInto(this.core.store, from, toNamespace, labels);
        }),
      installRelease: (spec, opts) => this.installRelease(spec, opts?.signal),
      unlockRelease: (ns, release, opts) => this.unlockRelease(ns, release, opts?.signal),
      checkServiceHealth: (ns, target) => this.checkServiceHealth(ns, target),
      rollbackRelease: (ns, release, target, opts) =>
        this.rollbackRelease(ns, release, target, opts?.signal),
      uninstallRelease: (ns, release, opts) =>
        this.act(
          "uninstallRelease",
          ns,
          this.core.latencies.helmUninstallMs,
          () => this.uninstall(ns, release),
          opts?.signal,
        ),
      deleteNamespace: (name) =>
        this.act("deleteNamespace", name, this.core.latencies.apiCallMs, () => {
          if (markTerminating(this.core.store, name, this.core.clock.now()))
            this.core.terminating(name);
        }),
    };
  }

  async snapshot(): Promise<ClusterSnapshot> {
    await this.core.calls.begin(this.caller, "snapshot", null);
    await this.wait(this.core.latencies.apiCallMs);
    this.core.stats().snapshots += 1;
    this.core.settle();
    return this.core.snapshot(new Date(this.core.clock.now()), () => {
      this.core.stats().reads += 1;
    });
  }

  async readSecretAs(namespace: string, name: string): Promise<Record<string, string> | null> {
    // A read: not tracked as acting on the namespace (the dashboard reads while the controller acts).
    await this.core.calls.begin(this.caller, "readSecret", null);
    await this.wait(this.core.latencies.apiCallMs);
    this.core.stats().reads += 1;
    return secretData(this.core.store, namespace, name);
  }

  /**
   * A Job as the simulated job controller has moved it by now: any Job,
   * backup Jobs included, completes after `jobCompleteMs`. It runs nothing,
   * so a simulated backup Job writes no dump and no manifest (the backup
   * runner then finds no manifest and says so).
   */
  async readJob(namespace: string, name: string): Promise<JobState | null> {
    await this.core.calls.begin(this.caller, "readJob", null);
    await this.wait(this.core.latencies.apiCallMs);
    this.core.stats().reads += 1;
    this.core.settle();
    const job = this.core.store.get("Job", namespace, name);
    return job ? jobToState(job as Parameters<typeof jobToState>[0]) : null;
  }

  async installRelease(spec: ReleaseSpec, signal?: AbortSignal): Promise<void> {
    await this.core.calls.begin(this.caller, "installRelease", spec.namespace);
    const key = `${spec.namespace}/${spec.release}`;
    try {
      await runHelmProcess(this.core.clock, this.caller, this.core.save, {
        command: "upgrade",
        ms: this.core.latencies.helmInstallMs,
        signal,
        start: () => {
          const started = this.core.helm.beginInstall(spec);
          this.core.stats().helmCommands += 1;
          increment(this.core.stats().installsStarted, key);
          return started;
        },
        fail: ({ version }) => this.core.helm.failRevision(spec.namespace, spec.release, version),
        finish: ({ version, plan }) => {
          this.core.helm.completeInstall(spec, version, plan);
          increment(this.core.stats().completedInstalls, key);
          this.core.touched(spec.namespace);
        },
      });
    } finally {
      this.core.calls.end(this.caller, spec.namespace);
    }
  }

  /** As the real cluster's unlockRelease (kube-cluster.ts): roll back to the last deployed revision, or drop a never-deployed one. */
  async unlockRelease(namespace: string, release: string, signal?: AbortSignal): Promise<void> {
    await this.core.calls.begin(this.caller, "unlockRelease", namespace);
    try {
      await this.wait(this.core.latencies.apiCallMs);
      const revs = this.core.helm.revisions(namespace, release);
      const latest = revs.at(-1);
      if (!latest || !PENDING.has(latest.status)) return;
      increment(this.core.stats().releasesUnlocked, `${namespace}/${release}`);
      const to = revs
        .filter((r) => r.version < latest.version && r.status === "deployed")
        .at(-1)?.version;
      if (to === undefined) {
        // Not helm: the API call that drops a never-deployed release's pending Secrets.
        for (const r of revs.filter((x) => PENDING.has(x.status)))
          this.core.helm.deleteRevision(namespace, release, r.version);
        this.core.save();
        return;
      }
      this.core.stats().helmCommands += 1;
      await runHelmProcess(this.core.clock, this.caller, this.core.save, {
        command: "rollback",
        ms: this.core.latencies.helmUnlockMs,
        signal,
        start: () => this.core.helm.beginRollback(namespace, release, to),
        fail: (version) => this.core.helm.failRevision(namespace, release, version),
        finish: (version) => {
          this.core.helm.completeRollback(namespace, release, version, to);
          this.core.touched(namespace);
        },
      });
    } finally {
      this.core.calls.end(this.caller, namespace);
    }
  }

  /** As the real cluster's rollbackRelease (kube-cluster.ts): one helm rollback to the revision the shared rule picks. */
  async rollbackRelease(
    namespace: string,
    release: string,
    target: RollbackTarget,
    signal?: AbortSignal,
  ): Promise<RollbackOutcome> {
    await this.core.calls.begin(this.caller, "rollbackRelease", namespace);
    try {
      await this.wait(this.core.latencies.apiCallMs);
      const choice = chooseRollbackRevision(
        this.core.helm.revisions(namespace, release).map((r) => ({
          version: r.version,
          status: r.status,
          valuesDigest: r.secret.metadata.labels?.[LABELS.valuesDigest] ?? null,
        })),
        target.valuesDigest,
      );
      if (choice.outcome !== "rollback") return choice;
      const { from, to } = choice;
      this.core.stats().helmCommands += 1;
      increment(this.core.stats().rollbacks, `${namespace}/${release}`);
      let revision = from + 1;
      await runHelmProcess(this.core.clock, this.caller, this.core.save, {
        command: "rollback",
        ms: this.core.latencies.helmUnlockMs,
        signal,
        start: () => {
          revision = this.core.helm.beginRollback(namespace, release, to);
          return revision;
        },
        fail: (version) => this.core.helm.failRevision(namespace, release, version),
        finish: (version) => {
          this.core.helm.completeRollback(namespace, release, version, to);
          this.core.touched(namespace);
        },
      });
      return { outcome: "rolled-back", from, to, revision };
    } finally {
      this.core.calls.end(this.caller, namespace);
    }
  }

  /**
   * The API server's service proxy, over the simulated objects: 404 without
   * the Service, 503 "no endpoints available for service" (the API server's
   * words, pkg/registry/core/service/proxy) while the Deployment behind it
   * (same name in the engine charts) has no ready replica, else what the
   * engine answers: 200, or a faulty chart version's status.
   */
  async checkServiceHealth(namespace: string, target: ServiceHealthTarget): Promise<ServiceHealth> {
    await this.core.calls.begin(this.caller, "checkServiceHealth", null);
    await this.wait(this.core.latencies.apiCallMs);
    this.core.stats().reads += 1;
    this.core.settle();
    const { store } = this.core;
    const answer = (status: number, excerpt: string): ServiceHealth => ({
      ok: status >= 200 && status < 400,
      status,
      excerpt,
    });
    if (!store.get("Service", namespace, target.service))
      return answer(404, `services "${target.service}" not found`);
    const backend = store.get("Deployment", namespace, target.service);
    if (!backend || !((backend.status?.readyReplicas ?? 0) > 0))
      return answer(503, `no endpoints available for service "${target.service}"`);
    const chart = backend.spec?.template?.metadata?.labels?.["helm.sh/chart"];
    const fault = chart ? this.core.faults.unhealthyCharts.get(chart) : undefined;
    return fault ? answer(fault.status, fault.body) : answer(200, "OK");
  }

  uninstall(namespace: string, release: string): void {
    // `helm uninstall` of an absent release is "release: not found": the real Cluster treats it as done.
    if (this.core.helm.revisions(namespace, release).length === 0) return;
    this.core.stats().helmCommands += 1;
    this.core.helm.uninstall(namespace, release);
    this.core.touched(namespace);
  }

  // ---- internals ----------------------------------------------------------

  private async act<T>(
    method: ClusterMethod,
    namespace: string,
    latencyMs: number,
    effect: () => T,
    signal?: AbortSignal,
  ): Promise<T> {
    await this.core.calls.begin(this.caller, method, namespace);
    try {
      await this.wait(latencyMs, signal);
      const before = this.core.store.resourceVersion;
      const result = effect();
      if (this.core.store.resourceVersion !== before) this.core.save();
      return result;
    } finally {
      this.core.calls.end(this.caller, namespace);
    }
  }

  private async wait(ms: number, signal?: AbortSignal): Promise<void> {
    await this.core.clock.sleep(ms, signal);
    if (this.caller.crashed) return never();
  }
}
