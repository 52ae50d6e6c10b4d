// The simulated cluster (test and demo tool): Kubernetes objects in memory,
// Helm as a state machine writing its release Secrets, workloads that
// progress with a controllable clock, and fault injection. It implements the
// same `Cluster` interface as the real one, and its snapshot is the REAL
// snapshot code (readSnapshotLists + buildSnapshot) answering the same
// label-selected list calls from the object store, so the controller's state,
// readers and human reasons come from one code path on both clusters. It
// always says what it is (`mode: "simulated"`, `info().message`), and nothing
// picks it implicitly.
import type { Cluster } from "../cluster.ts";
import { namespaceNotFound, secretData } from "./api-objects.ts";
import { callerCluster, type SimCore } from "./caller-cluster.ts";
import {
  type Caller,
  CallTracker,
  freshStats,
  persistCounters,
  restoreCounters,
  type SimulatedClusterStats,
} from "./calls.ts";
import { type Clock, realClock } from "./clock.ts";
import { Faults, type TransientFaults } from "./faults.ts";
import { SimulatedHelm } from "./helm-releases.ts";
import { DEFAULT_LATENCIES, type SimulatedLatencies } from "./latencies.ts";
import { releaseHeld, removeObject, settleNamespace } from "./lifecycle.ts";
import { type ListOptions, ObjectStore, type SimObject } from "./object-store.ts";
import {
  readSimulatedClusterState,
  STATE_FILE_VERSION,
  writeSimulatedClusterState,
} from "./persistence.ts";
import { SnapshotCache } from "./snapshot-cache.ts";
import { progressNamespace } from "./workloads.ts";

export { SIMULATED_CLUSTER_MESSAGE } from "./caller-cluster.ts";
export type { Overlap, SimulatedClusterStats } from "./calls.ts";
export type { ClusterMethod, TransientFaults } from "./faults.ts";
export { DEFAULT_LATENCIES, FAST_LATENCIES, type SimulatedLatencies } from "./latencies.ts";
export { SNAPSHOT_LIST_CALLS } from "./snapshot-cache.ts";

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

// The kinds the platform client applies (KubeClient.apply); others are refused the same way.
export class SimulatedCluster {
  readonly clock: Clock;
  readonly latencies: SimulatedLatencies;
  private readonly store: ObjectStore;
  private readonly helm: SimulatedHelm;
  private readonly faults: Faults;
  private readonly calls: CallTracker;
  private readonly callers = new Map<string, Caller>();
  private counters: SimulatedClusterStats = freshStats();
  private readonly stateFile: string | null;
  /** Namespaces whose objects still change with time; a Ready fleet costs nothing per snapshot. */
  private readonly progressing = new Set<string>();
  private readonly terminating = new Set<string>();
  private readonly core: SimCore;

  constructor(options: SimulatedClusterOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.latencies = { ...DEFAULT_LATENCIES, ...options.latencies };
    const now = () => this.clock.now();
    this.store = new ObjectStore(now);
    const snapshots = new SnapshotCache(this.store);
    this.faults = new Faults(options.seed ?? 42, options.faults ?? null);
    this.helm = new SimulatedHelm(this.store, (o) =>
      removeObject(this.store, this.faults, o, this.clock.now()),
    );
    this.calls = new CallTracker(() => this.counters, this.faults, now);
    this.stateFile = options.stateFile ?? null;
    this.core = {
      store: this.store,
      helm: this.helm,
      calls: this.calls,
      faults: this.faults,
      clock: this.clock,
      latencies: this.latencies,
      stats: () => this.counters,
      save: () => this.save(),
      touched: (ns) => this.touched(ns),
      settle: () => this.settle(),
      terminating: (ns) => this.terminating.add(ns),
      snapshot: (takenAt, onRead) => snapshots.snapshot(takenAt, onRead),
    };
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
    return callerCluster(this.core, caller);
  }

  /** As if the caller's process got SIGKILL: its in-flight calls never return nor finish their effect. */
  crash(callerId: string): void {
    const caller = this.callers.get(callerId);
    if (caller) caller.crashed = true;
    this.callers.delete(callerId);
  }

  setTransientFaults(faults: TransientFaults | null): void {
    this.faults.transient = faults;
  }

  /** The registry lacks `image`; the app workload in this namespace runs it and stays in ImagePullBackOff. */
  failImagePull(namespace: string, image: string): void {
    this.faults.unpullable.set(namespace, image);
    this.touched(namespace);
  }

  clearImagePullFailure(namespace: string): void {
    this.faults.unpullable.delete(namespace);
    this.touched(namespace);
  }

  /**
   * A faulty chart release: the app of chart `name` at `version` runs `image`,
   * which the registry lacks, wherever it is installed (ImagePullBackOff, never
   * Ready); other versions of the chart are unaffected.
   */
  failChartVersionImagePull(name: string, version: string, image: string): void {
    this.faults.unpullableCharts.set(`${name}-${version}`, image);
  }

  /**
   * A faulty chart release whose app turns Ready but whose health path
   * answers `status` through the service proxy, wherever it is installed.
   */
  failChartVersionHealth(name: string, version: string, status: number, body: string): void {
    this.faults.unhealthyCharts.set(`${name}-${version}`, { status, body });
  }

  /** The app container in this namespace exits with an error on every start (CrashLoopBackOff). */
  failContainerStart(namespace: string): void {
    this.faults.crashLooping.add(namespace);
    this.touched(namespace);
  }

  clearContainerStartFailure(namespace: string): void {
    this.faults.crashLooping.delete(namespace);
    this.touched(namespace);
  }

  /** This namespace's PVCs keep their protection finalizer, so its deletion hangs until released. */
  holdNamespaceTermination(namespace: string): void {
    this.faults.heldTermination.add(namespace);
    this.save();
  }

  releaseNamespaceTermination(namespace: string): void {
    this.faults.heldTermination.delete(namespace);
    releaseHeld(this.store, namespace);
    this.save();
  }

  /** Leaves the release `pending-*` as if the helm process running it had died. */
  strandRelease(
    namespace: string,
    release: string,
    status: "pending-install" | "pending-upgrade" = "pending-install",
  ): void {
    if (!this.store.get("Namespace", undefined, namespace))
      throw namespaceNotFound("strandRelease", namespace);
    this.helm.strand(namespace, release, status);
    this.save();
  }

  stats(): SimulatedClusterStats {
    return this.counters;
  }

  resetStats(): void {
    this.counters = freshStats();
    this.save();
  }

  /** Names of namespaces that still exist (any phase). */
  namespaceNames(): string[] {
    this.settle();
    return this.store.namespaceNames().sort();
  }

  /** Releases that still have a release Secret. */
  releaseCount(): number {
    return this.helm.releaseCount();
  }

  /** Secret data, for tests that check "generated once, never regenerated". */
  peekSecret(namespace: string, name: string): Record<string, string> | null {
    return secretData(this.store, namespace, name);
  }

  /** Removes an object behind the controller's back (drift tests). */
  deleteObjectBehindTheBack(namespace: string, kind: string, name: string): void {
    const o = this.store.get(kind, namespace, name);
    if (o) removeObject(this.store, this.faults, o, this.clock.now());
    this.touched(namespace);
  }

  /** The objects as the API server would list them, for tests and the demo (read-only). */
  list(kind: string, options: ListOptions = {}): readonly SimObject[] {
    this.settle();
    return this.store.list(kind, options);
  }

  // ---- Cluster behaviour ----------------------------------------------------

  /** Something changed in a namespace: its controllers react now (pods are created at install, not when next looked at). */
  private touched(namespace: string): void {
    this.progressing.add(namespace);
    if (this.store.get("Namespace", undefined, namespace))
      progressNamespace(this.store, this.faults, namespace, this.clock.now(), this.latencies);
    this.save();
  }

  /** Applies the passage of time to the namespaces that still change: workloads progress, terminations finish. */
  private settle(): void {
    const now = this.clock.now();
    const before = this.store.resourceVersion;
    for (const name of this.terminating) {
      if (
        settleNamespace(this.store, this.faults, name, now, this.latencies.namespaceTerminationMs)
      ) {
        this.terminating.delete(name);
        this.progressing.delete(name);
      }
    }
    for (const name of this.progressing) {
      const ns = this.store.get("Namespace", undefined, name);
      if (!ns) this.progressing.delete(name);
      else if (progressNamespace(this.store, this.faults, name, now, this.latencies))
        this.progressing.delete(name);
    }
    if (this.store.resourceVersion !== before) this.save();
  }

  private restore(state: NonNullable<ReturnType<typeof readSimulatedClusterState>>): void {
    this.store.load(state.store);
    this.faults.load(state.faults);
    for (const name of this.store.namespaceNames()) {
      this.progressing.add(name);
      if (this.store.get("Namespace", undefined, name)?.metadata.deletionTimestamp)
        this.terminating.add(name);
    }
    restoreCounters(this.counters, state.counters);
  }

  private save(): void {
    if (!this.stateFile) return;
    writeSimulatedClusterState(this.stateFile, {
      version: STATE_FILE_VERSION,
      savedAt: this.clock.now(),
      store: this.store.dump(),
      faults: this.faults.dump(),
      counters: persistCounters(this.counters),
    });
  }
}

export function createSimulatedCluster(options: SimulatedClusterOptions = {}): SimulatedCluster {
  return new SimulatedCluster(options);
}
