// The simulated cluster: an in-memory stand-in for Kubernetes + Helm, for
// tests, benchmarks and a clearly labelled demo mode. It implements the same
// `Cluster` interface as the real one and throws the same error types, so the
// controller cannot tell the difference — but it always says what it is
// (`mode: "simulated"`, `info().message`), and nothing picks it implicitly.
import { randomUUID } from "node:crypto";
import { KubeError } from "../client/errors.ts";
import type {
  Cluster,
  ClusterCallOptions,
  ClusterInfo,
  ClusterSnapshot,
  EnsureNamespaceInput,
  HelmReleaseState,
  HelmReleaseStatus,
  KubeObject,
  NamespaceState,
  ReleaseSpec,
} from "../cluster.ts";
import { HelmFailed, ReleaseLocked } from "../helm/errors.ts";
import { LABELS, PLATFORM_NAME } from "../store-contract.ts";
import { type Clock, realClock } from "./clock.ts";
import {
  type PersistedClusterState,
  type PersistedNamespace,
  readSimulatedClusterState,
  STATE_FILE_VERSION,
  writeSimulatedClusterState,
} from "./persistence.ts";
import { type SimulatedWorkloadPlan, workloadPlanFor, workloadView } from "./workloads.ts";

export const SIMULATED_CLUSTER_MESSAGE =
  "simulated cluster (test and demo tool) — no real Kubernetes";

/**
 * The list calls a real snapshot makes (one label-selected list per kind,
 * across all namespaces). The simulated cluster counts them as reads so that
 * benchmarks report the same figure the real cluster would cost.
 */
export const SNAPSHOT_LIST_CALLS = [
  "namespaces",
  "resourcequotas",
  "limitranges",
  "networkpolicies",
  "secrets (platform)",
  "secrets (helm releases)",
  "deployments",
  "statefulsets",
  "jobs",
  "pods",
  "persistentvolumeclaims",
  "events",
] as const;

export type ClusterMethod =
  | "snapshot"
  | "ensureNamespace"
  | "applyObjects"
  | "ensureSecret"
  | "readSecret"
  | "copySecret"
  | "installRelease"
  | "unlockRelease"
  | "uninstallRelease"
  | "deleteNamespace";

export interface SimulatedLatencies {
  /** Per API call (snapshot, apply, secrets, namespaces). */
  apiCallMs: number;
  helmInstallMs: number;
  helmUninstallMs: number;
  helmUnlockMs: number;
  /** From release installed to every workload ready. */
  workloadsReadyMs: number;
  /** From release installed to the setup/init job complete. */
  jobCompleteMs: number;
  /** From namespace deletion to the namespace gone (unless held). */
  namespaceTerminationMs: number;
}

export const DEFAULT_LATENCIES: SimulatedLatencies = {
  apiCallMs: 5,
  helmInstallMs: 200,
  helmUninstallMs: 100,
  helmUnlockMs: 50,
  workloadsReadyMs: 1_000,
  jobCompleteMs: 800,
  namespaceTerminationMs: 500,
};

/** Fast settings for tests that run whole lifecycles on the real clock. */
export const FAST_LATENCIES: SimulatedLatencies = {
  apiCallMs: 1,
  helmInstallMs: 10,
  helmUninstallMs: 5,
  helmUnlockMs: 5,
  workloadsReadyMs: 40,
  jobCompleteMs: 30,
  namespaceTerminationMs: 30,
};

export interface TransientFaults {
  /** Share of calls (0..1) that fail before doing anything. */
  rate: number;
  /** Which calls may fail; default all. */
  methods?: ClusterMethod[];
  /** The error thrown; default a transient KubeError "Unavailable". */
  error?: (method: ClusterMethod) => Error;
}

export interface SimulatedClusterOptions {
  clock?: Clock;
  latencies?: Partial<SimulatedLatencies>;
  /** Seed for the fault dice, so a failing run can be replayed. */
  seed?: number;
  faults?: TransientFaults;
  /**
   * Keep the cluster's state in this file, so that it outlives the process
   * (a controller killed and restarted finds what it left, as on a real
   * cluster): loaded at creation when it exists, rewritten atomically after
   * every mutation. One process at a time; file mode 0600 (secrets).
   */
  stateFile?: string;
}

export interface Overlap {
  namespace: string;
  callers: string[];
  at: number;
}

export interface SimulatedClusterStats {
  snapshots: number;
  /** API reads: SNAPSHOT_LIST_CALLS per snapshot, plus one per readSecret/ensureSecret. */
  reads: number;
  calls: Record<ClusterMethod, number>;
  injectedFailures: number;
  /** helm processes started (install, unlock, uninstall). Persisted with `stateFile`. */
  helmCommands: number;
  /** Installs/upgrades started, by `namespace/release`. Persisted with `stateFile`. */
  installsStarted: Map<string, number>;
  /** Installs that ran to `deployed`, by `namespace/release`. Persisted with `stateFile`. */
  completedInstalls: Map<string, number>;
  /** Releases recovered from `pending-*` by `unlockRelease`. Persisted with `stateFile`. */
  releasesUnlocked: Map<string, number>;
  /** Times two calls were in flight on one namespace at once (should never happen). */
  overlaps: Overlap[];
  /** Namespaces each caller (replica) acted on. */
  actedOnBy: Map<string, Set<string>>;
}

interface SimRelease {
  name: string;
  revision: number;
  status: HelmReleaseStatus;
  valuesDigest: string | null;
  lastDeployedRevision: number | null;
  /** When the current workloads were created (first successful install). */
  startedAt: number | null;
  engine: string;
}

interface SimNamespace {
  name: string;
  labels: Record<string, string>;
  phase: "Active" | "Terminating";
  terminatingSince: number | null;
  objects: Map<string, KubeObject>;
  secrets: Map<string, { labels: Record<string, string>; data: Record<string, string> }>;
  release: SimRelease | null;
  /** PVCs left behind by an uninstalled release until the namespace goes. */
  leftoverPvcs: string[];
}

/** A caller's connection; crashing it freezes everything it had in flight, like SIGKILL. */
interface Caller {
  id: string;
  crashed: boolean;
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function emptyCalls(): Record<ClusterMethod, number> {
  return {
    snapshot: 0,
    ensureNamespace: 0,
    applyObjects: 0,
    ensureSecret: 0,
    readSecret: 0,
    copySecret: 0,
    installRelease: 0,
    unlockRelease: 0,
    uninstallRelease: 0,
    deleteNamespace: 0,
  };
}

function increment(counter: Map<string, number>, key: string): void {
  counter.set(key, (counter.get(key) ?? 0) + 1);
}

function engineOf(ns: SimNamespace, spec?: ReleaseSpec): string {
  const label = ns.labels[LABELS.engine];
  if (label) return label;
  return spec?.chart.includes("medusa") ? "medusa" : "woocommerce";
}

export class SimulatedCluster {
  readonly clock: Clock;
  readonly latencies: SimulatedLatencies;
  private readonly namespaces = new Map<string, SimNamespace>();
  private readonly rng: () => number;
  private faults: TransientFaults | null;
  private readonly unpullable = new Map<string, string>();
  private readonly heldTermination = new Set<string>();
  private readonly inFlight = new Map<string, string[]>();
  private readonly callers = new Map<string, Caller>();
  private counters: SimulatedClusterStats;
  private readonly stateFile: string | null;

  constructor(options: SimulatedClusterOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.latencies = { ...DEFAULT_LATENCIES, ...options.latencies };
    this.rng = mulberry32(options.seed ?? 42);
    this.faults = options.faults ?? null;
    this.counters = this.freshStats();
    this.stateFile = options.stateFile ?? null;
    if (this.stateFile) {
      const state = readSimulatedClusterState(this.stateFile);
      if (state) this.restore(state);
      this.save();
    }
  }

  // ---- Test and demo controls -------------------------------------------

  /** A `Cluster` for one caller (a controller replica). Calls are attributed to it. */
  connect(callerId = "default"): Cluster {
    let caller = this.callers.get(callerId);
    if (!caller || caller.crashed) {
      caller = { id: callerId, crashed: false };
      this.callers.set(callerId, caller);
    }
    return new SimulatedClusterClient(this, caller);
  }

  /**
   * As if the caller's process got SIGKILL: its in-flight calls never return
   * and never finish their effect (a helm install stays `pending-install`).
   */
  crash(callerId: string): void {
    const caller = this.callers.get(callerId);
    if (caller) caller.crashed = true;
    this.callers.delete(callerId);
  }

  setTransientFaults(faults: TransientFaults | null): void {
    this.faults = faults;
  }

  /** Pods of the app workload in this namespace stay in ImagePullBackOff on `image`. */
  failImagePull(namespace: string, image: string): void {
    this.unpullable.set(namespace, image);
    this.save();
  }

  clearImagePullFailure(namespace: string): void {
    this.unpullable.delete(namespace);
    this.save();
  }

  /** Deleting this namespace leaves it Terminating, held by a PVC finalizer, until released. */
  holdNamespaceTermination(namespace: string): void {
    this.heldTermination.add(namespace);
    this.save();
  }

  releaseNamespaceTermination(namespace: string): void {
    this.heldTermination.delete(namespace);
    const ns = this.namespaces.get(namespace);
    if (ns?.terminatingSince != null)
      ns.terminatingSince = this.clock.now() - this.latencies.namespaceTerminationMs;
    this.save();
  }

  /** Leaves the release `pending-*` as if the helm process running it had died. */
  strandRelease(
    namespace: string,
    release: string,
    status: "pending-install" | "pending-upgrade" = "pending-install",
  ): void {
    const ns = this.requireNamespace(namespace, "strandRelease");
    const current = ns.release;
    ns.release = {
      name: release,
      revision: (current?.revision ?? 0) + 1,
      status,
      valuesDigest: current?.valuesDigest ?? null,
      lastDeployedRevision: current?.lastDeployedRevision ?? null,
      startedAt: current?.startedAt ?? null,
      engine: engineOf(ns),
    };
    this.save();
  }

  stats(): SimulatedClusterStats {
    return this.counters;
  }

  resetStats(): void {
    this.counters = this.freshStats();
    this.save();
  }

  /** Names of namespaces that still exist (any phase). */
  namespaceNames(): string[] {
    this.settle();
    return [...this.namespaces.keys()].sort();
  }

  releaseCount(): number {
    return [...this.namespaces.values()].filter((n) => n.release).length;
  }

  /** Secret data, for tests that check "generated once, never regenerated". */
  peekSecret(namespace: string, name: string): Record<string, string> | null {
    const data = this.namespaces.get(namespace)?.secrets.get(name)?.data;
    return data ? { ...data } : null;
  }

  /** Removes an object behind the controller's back (drift tests). */
  deleteObjectBehindTheBack(namespace: string, kind: string, name: string): void {
    this.namespaces.get(namespace)?.objects.delete(`${kind}/${name}`);
    this.save();
  }

  // ---- Cluster behaviour (called through SimulatedClusterClient) ----------

  async info(): Promise<ClusterInfo> {
    return {
      mode: "simulated",
      reachable: true,
      context: "simulated",
      server: null,
      message: SIMULATED_CLUSTER_MESSAGE,
    };
  }

  async snapshot(caller: Caller): Promise<ClusterSnapshot> {
    await this.begin(caller, "snapshot", null);
    await this.wait(caller, this.latencies.apiCallMs);
    this.counters.snapshots += 1;
    this.counters.reads += SNAPSHOT_LIST_CALLS.length;
    this.settle();
    const now = this.clock.now();
    const namespaces = new Map<string, NamespaceState>();
    for (const ns of this.namespaces.values()) namespaces.set(ns.name, this.view(ns, now));
    return { takenAt: new Date(now), namespaces };
  }

  async ensureNamespace(caller: Caller, input: EnsureNamespaceInput): Promise<void> {
    await this.guarded(caller, "ensureNamespace", input.name, this.latencies.apiCallMs, () => {
      const ns = this.namespaces.get(input.name);
      if (ns) {
        ns.labels = { ...ns.labels, ...input.labels };
        this.save();
        return;
      }
      this.namespaces.set(input.name, {
        name: input.name,
        labels: { ...input.labels },
        phase: "Active",
        terminatingSince: null,
        objects: new Map(),
        secrets: new Map(),
        release: null,
        leftoverPvcs: [],
      });
      this.save();
    });
  }

  async applyObjects(caller: Caller, namespace: string, objects: KubeObject[]): Promise<void> {
    await this.guarded(caller, "applyObjects", namespace, this.latencies.apiCallMs, () => {
      const ns = this.requireNamespace(namespace, "apply");
      this.refuseIfTerminating(ns, "apply");
      for (const o of objects) ns.objects.set(`${o.kind}/${o.metadata.name}`, structuredClone(o));
      this.save();
    });
  }

  async ensureSecret(
    caller: Caller,
    namespace: string,
    name: string,
    labels: Record<string, string>,
    generate: () => Record<string, string>,
  ): Promise<{ created: boolean }> {
    return this.guarded(caller, "ensureSecret", namespace, this.latencies.apiCallMs, () => {
      this.counters.reads += 1;
      const ns = this.requireNamespace(namespace, "create secret");
      if (ns.secrets.has(name)) return { created: false };
      this.refuseIfTerminating(ns, "create secret");
      ns.secrets.set(name, { labels: { ...labels }, data: generate() });
      this.save();
      return { created: true };
    });
  }

  async readSecret(
    caller: Caller,
    namespace: string,
    name: string,
  ): Promise<Record<string, string> | null> {
    // A read: not tracked as acting on the namespace (the dashboard reads while the controller acts).
    await this.begin(caller, "readSecret", null);
    await this.wait(caller, this.latencies.apiCallMs);
    this.counters.reads += 1;
    const data = this.namespaces.get(namespace)?.secrets.get(name)?.data;
    return data ? { ...data } : null;
  }

  async copySecret(
    caller: Caller,
    from: { namespace: string; name: string },
    toNamespace: string,
    labels: Record<string, string>,
  ): Promise<void> {
    await this.guarded(caller, "copySecret", toNamespace, this.latencies.apiCallMs, () => {
      this.counters.reads += 1;
      const source = this.namespaces.get(from.namespace)?.secrets.get(from.name);
      // As the real client: a missing source is NotFound, named, without data.
      if (!source)
        throw new KubeError("NotFound", `Secret ${from.namespace}/${from.name} does not exist`, {
          status: 404,
        });
      const ns = this.requireNamespace(toNamespace, "copy secret");
      this.refuseIfTerminating(ns, "copy secret");
      ns.secrets.set(from.name, {
        labels: { ...labels, [LABELS.managedBy]: PLATFORM_NAME },
        data: { ...source.data },
      });
      this.save();
    });
  }

  async installRelease(
    caller: Caller,
    spec: ReleaseSpec,
    opts: ClusterCallOptions = {},
  ): Promise<void> {
    await this.begin(caller, "installRelease", spec.namespace);
    try {
      const ns = this.namespaces.get(spec.namespace);
      if (!ns)
        throw new HelmFailed(
          "HelmFailed",
          `helm upgrade --install failed (HelmFailed, exit 1): Error: create: failed to create: namespaces "${spec.namespace}" not found`,
          { exitCode: 1 },
        );
      const current = ns.release;
      if (current?.status.startsWith("pending-")) {
        throw new ReleaseLocked(
          "ReleaseLocked",
          "helm upgrade --install failed (ReleaseLocked, exit 1): Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
          { exitCode: 1 },
        );
      }
      this.counters.helmCommands += 1;
      const key = `${spec.namespace}/${spec.release}`;
      increment(this.counters.installsStarted, key);
      const deployedBefore = current?.lastDeployedRevision != null;
      const release: SimRelease = {
        name: spec.release,
        revision: (current?.revision ?? 0) + 1,
        status: deployedBefore ? "pending-upgrade" : "pending-install",
        valuesDigest: spec.valuesDigest,
        lastDeployedRevision: current?.lastDeployedRevision ?? null,
        startedAt: current?.startedAt ?? null,
        engine: engineOf(ns, spec),
      };
      ns.release = release;
      // Recorded before helm's work, as helm does: a process killed now leaves it pending.
      this.save();
      try {
        await this.clock.sleep(this.latencies.helmInstallMs, opts.signal);
      } catch (error) {
        // helm catches SIGTERM and records the release as failed.
        release.status = "failed";
        this.save();
        throw new HelmFailed(
          "HelmFailed",
          "helm upgrade --install failed (HelmFailed, exit 1): Error: release store failed: context canceled",
          { exitCode: 1, cause: error },
        );
      }
      if (caller.crashed) return never();
      release.status = "deployed";
      release.lastDeployedRevision = release.revision;
      release.startedAt ??= this.clock.now();
      increment(this.counters.completedInstalls, key);
      this.save();
    } finally {
      this.end(caller, spec.namespace);
    }
  }

  async unlockRelease(
    caller: Caller,
    namespace: string,
    releaseName: string,
    opts: ClusterCallOptions = {},
  ): Promise<void> {
    await this.guarded(
      caller,
      "unlockRelease",
      namespace,
      this.latencies.helmUnlockMs,
      () => {
        const ns = this.namespaces.get(namespace);
        const release = ns?.release;
        if (
          !ns ||
          !release ||
          release.name !== releaseName ||
          !release.status.startsWith("pending-")
        )
          return;
        this.counters.helmCommands += 1;
        increment(this.counters.releasesUnlocked, `${namespace}/${releaseName}`);
        if (release.lastDeployedRevision == null) {
          ns.release = null; // never deployed: remove it so a fresh install can run
        } else {
          release.revision += 1;
          release.status = "deployed";
        }
        this.save();
      },
      opts.signal,
    );
  }

  async uninstallRelease(
    caller: Caller,
    namespace: string,
    releaseName: string,
    opts: ClusterCallOptions = {},
  ): Promise<void> {
    await this.guarded(
      caller,
      "uninstallRelease",
      namespace,
      this.latencies.helmUninstallMs,
      () => {
        const ns = this.namespaces.get(namespace);
        if (!ns?.release || ns.release.name !== releaseName) return;
        this.counters.helmCommands += 1;
        // Helm leaves StatefulSet PVCs behind; the namespace deletion takes them.
        if (ns.release.startedAt != null)
          ns.leftoverPvcs = workloadPlanFor(ns.release.engine).pvcs.filter((p) =>
            p.startsWith("data-"),
          );
        ns.release = null;
        this.save();
      },
      opts.signal,
    );
  }

  async deleteNamespace(caller: Caller, name: string): Promise<void> {
    await this.guarded(caller, "deleteNamespace", name, this.latencies.apiCallMs, () => {
      const ns = this.namespaces.get(name);
      if (!ns || ns.phase === "Terminating") return;
      ns.phase = "Terminating";
      ns.terminatingSince = this.clock.now();
      this.save();
    });
  }

  // ---- internals ----------------------------------------------------------

  private freshStats(): SimulatedClusterStats {
    return {
      snapshots: 0,
      reads: 0,
      calls: emptyCalls(),
      injectedFailures: 0,
      helmCommands: 0,
      installsStarted: new Map(),
      completedInstalls: new Map(),
      releasesUnlocked: new Map(),
      overlaps: [],
      actedOnBy: new Map(),
    };
  }

  private async guarded<T>(
    caller: Caller,
    method: ClusterMethod,
    namespace: string,
    latencyMs: number,
    effect: () => T,
    signal?: AbortSignal,
  ): Promise<T> {
    await this.begin(caller, method, namespace);
    try {
      await this.wait(caller, latencyMs, signal);
      return effect();
    } finally {
      this.end(caller, namespace);
    }
  }

  private async begin(
    caller: Caller,
    method: ClusterMethod,
    namespace: string | null,
  ): Promise<void> {
    if (caller.crashed) return never();
    this.counters.calls[method] += 1;
    if (
      this.faults &&
      this.faults.rate > 0 &&
      (!this.faults.methods || this.faults.methods.includes(method))
    ) {
      if (this.rng() < this.faults.rate) {
        this.counters.injectedFailures += 1;
        throw (
          this.faults.error?.(method) ??
          new KubeError("Unavailable", `${method}: Unavailable: simulated transient failure`)
        );
      }
    }
    if (namespace === null) return;
    const holders = this.inFlight.get(namespace) ?? [];
    if (holders.length > 0)
      this.counters.overlaps.push({
        namespace,
        callers: [...holders, caller.id],
        at: this.clock.now(),
      });
    holders.push(caller.id);
    this.inFlight.set(namespace, holders);
    let acted = this.counters.actedOnBy.get(caller.id);
    if (!acted) {
      acted = new Set();
      this.counters.actedOnBy.set(caller.id, acted);
    }
    acted.add(namespace);
  }

  private end(caller: Caller, namespace: string): void {
    if (caller.crashed) return;
    const holders = this.inFlight.get(namespace) ?? [];
    const i = holders.indexOf(caller.id);
    if (i >= 0) holders.splice(i, 1);
    if (holders.length === 0) this.inFlight.delete(namespace);
  }

  private async wait(caller: Caller, ms: number, signal?: AbortSignal): Promise<void> {
    await this.clock.sleep(ms, signal);
    if (caller.crashed) return never();
  }

  private requireNamespace(name: string, what: string): SimNamespace {
    const ns = this.namespaces.get(name);
    if (!ns)
      throw new KubeError("NotFound", `${what}: NotFound: namespaces "${name}" not found`, {
        status: 404,
      });
    return ns;
  }

  private refuseIfTerminating(ns: SimNamespace, what: string): void {
    if (ns.phase === "Terminating") {
      throw new KubeError(
        "Forbidden",
        `${what}: Forbidden: unable to create new content in namespace ${ns.name} because it is being terminated`,
        { status: 403 },
      );
    }
  }

  /** Applies the passage of time: terminating namespaces whose time has come disappear. */
  private settle(): void {
    const now = this.clock.now();
    let changed = false;
    for (const ns of [...this.namespaces.values()]) {
      if (ns.phase !== "Terminating" || ns.terminatingSince == null) continue;
      if (this.heldTermination.has(ns.name)) continue;
      if (now - ns.terminatingSince >= this.latencies.namespaceTerminationMs) {
        this.namespaces.delete(ns.name);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  // ---- persistence (with `stateFile`) --------------------------------------

  /** The state a real cluster would keep, plus the history counters tests assert on. */
  private persisted(): PersistedClusterState {
    const namespaces: PersistedNamespace[] = [...this.namespaces.values()].map((ns) => ({
      name: ns.name,
      labels: ns.labels,
      phase: ns.phase,
      terminatingSince: ns.terminatingSince,
      objects: [...ns.objects],
      secrets: [...ns.secrets].map(([name, s]) => ({ name, labels: s.labels, data: s.data })),
      release: ns.release,
      leftoverPvcs: ns.leftoverPvcs,
    }));
    return {
      version: STATE_FILE_VERSION,
      savedAt: this.clock.now(),
      namespaces,
      unpullable: Object.fromEntries(this.unpullable),
      heldTermination: [...this.heldTermination],
      counters: {
        helmCommands: this.counters.helmCommands,
        installsStarted: Object.fromEntries(this.counters.installsStarted),
        completedInstalls: Object.fromEntries(this.counters.completedInstalls),
        releasesUnlocked: Object.fromEntries(this.counters.releasesUnlocked),
      },
    };
  }

  private restore(state: PersistedClusterState): void {
    for (const ns of state.namespaces) {
      this.namespaces.set(ns.name, {
        name: ns.name,
        labels: ns.labels,
        phase: ns.phase,
        terminatingSince: ns.terminatingSince,
        objects: new Map(ns.objects),
        secrets: new Map(ns.secrets.map((s) => [s.name, { labels: s.labels, data: s.data }])),
        release: ns.release,
        leftoverPvcs: ns.leftoverPvcs,
      });
    }
    for (const [ns, image] of Object.entries(state.unpullable)) this.unpullable.set(ns, image);
    for (const ns of state.heldTermination) this.heldTermination.add(ns);
    const c = state.counters;
    this.counters.helmCommands = c.helmCommands;
    this.counters.installsStarted = new Map(Object.entries(c.installsStarted));
    this.counters.completedInstalls = new Map(Object.entries(c.completedInstalls));
    this.counters.releasesUnlocked = new Map(Object.entries(c.releasesUnlocked));
  }

  private save(): void {
    if (this.stateFile) writeSimulatedClusterState(this.stateFile, this.persisted());
  }

  private view(ns: SimNamespace, now: number): NamespaceState {
    const guardrails: Record<string, string | null> = {};
    for (const [key, o] of ns.objects) {
      if (o.metadata.labels?.[LABELS.managedBy] === PLATFORM_NAME)
        guardrails[key] = o.metadata.labels?.[LABELS.specDigest] ?? null;
    }
    const releases: HelmReleaseState[] = ns.release
      ? [
          {
            name: ns.release.name,
            namespace: ns.name,
            revision: ns.release.revision,
            status: ns.release.status,
            valuesDigest: ns.release.valuesDigest,
          },
        ]
      : [];
    const state: NamespaceState = {
      name: ns.name,
      storeId: ns.labels[LABELS.storeId] ?? null,
      phase: ns.phase,
      labels: { ...ns.labels },
      guardrails,
      secrets: [...ns.secrets.keys()],
      releases,
      workloads: [],
      jobs: [],
      pods: [],
      pvcs: [],
      events: [],
    };
    if (ns.release?.startedAt != null) {
      const plan: SimulatedWorkloadPlan = workloadPlanFor(ns.release.engine);
      const w = workloadView({
        namespace: ns.name,
        plan,
        startedAt: ns.release.startedAt,
        readyAfterMs: this.latencies.workloadsReadyMs,
        jobAfterMs: this.latencies.jobCompleteMs,
        now,
        unpullableImage: this.unpullable.get(ns.name) ?? null,
      });
      Object.assign(state, w);
    } else {
      state.pvcs = ns.leftoverPvcs.map((name) => ({ name, namespace: ns.name, phase: "Bound" }));
    }
    if (ns.phase === "Terminating" && this.heldTermination.has(ns.name)) {
      const names = state.pvcs.length > 0 ? state.pvcs.map((p) => p.name) : ["data-mariadb-0"];
      state.pvcs = names.map((name) => ({
        name,
        namespace: ns.name,
        phase: "Terminating",
        finalizers: ["kubernetes.io/pvc-protection"],
      }));
      state.terminationMessages = [
        `Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in ${names.length} resource instances`,
      ];
    }
    return state;
  }
}

/** The `Cluster` a caller uses; every call is attributed to that caller. */
export class SimulatedClusterClient implements Cluster {
  readonly mode = "simulated" as const;
  readonly id = randomUUID();
  constructor(
    private readonly sim: SimulatedCluster,
    private readonly caller: Caller,
  ) {}
  info() {
    return this.sim.info();
  }
  snapshot() {
    return this.sim.snapshot(this.caller);
  }
  ensureNamespace(input: EnsureNamespaceInput) {
    return this.sim.ensureNamespace(this.caller, input);
  }
  applyObjects(namespace: string, objects: KubeObject[]) {
    return this.sim.applyObjects(this.caller, namespace, objects);
  }
  ensureSecret(
    namespace: string,
    name: string,
    labels: Record<string, string>,
    generate: () => Record<string, string>,
  ) {
    return this.sim.ensureSecret(this.caller, namespace, name, labels, generate);
  }
  readSecret(namespace: string, name: string) {
    return this.sim.readSecret(this.caller, namespace, name);
  }
  copySecret(
    from: { namespace: string; name: string },
    toNamespace: string,
    labels: Record<string, string>,
  ) {
    return this.sim.copySecret(this.caller, from, toNamespace, labels);
  }
  installRelease(spec: ReleaseSpec, opts?: ClusterCallOptions) {
    return this.sim.installRelease(this.caller, spec, opts);
  }
  unlockRelease(namespace: string, release: string, opts?: ClusterCallOptions) {
    return this.sim.unlockRelease(this.caller, namespace, release, opts);
  }
  uninstallRelease(namespace: string, release: string, opts?: ClusterCallOptions) {
    return this.sim.uninstallRelease(this.caller, namespace, release, opts);
  }
  deleteNamespace(name: string) {
    return this.sim.deleteNamespace(this.caller, name);
  }
}

export function createSimulatedCluster(options: SimulatedClusterOptions = {}): SimulatedCluster {
  return new SimulatedCluster(options);
}
