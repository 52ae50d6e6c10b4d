// Who calls the simulated cluster, and what it costs: every call is
// attributed to a caller (a controller replica), counted, possibly failed by
// the fault dice, and tracked while in flight on a namespace so that two
// replicas acting on one store at once show up as an overlap. A crashed
// caller's calls never return, as after SIGKILL.
import type { ClusterMethod, Faults } from "./faults.ts";
import type { PersistedCounters } from "./persistence.ts";

export interface Overlap {
  namespace: string;
  callers: string[];
  at: number;
}

export interface SimulatedClusterStats {
  snapshots: number;
  /** API reads: the list calls of every snapshot, plus one per readSecret/ensureSecret. */
  reads: number;
  calls: Record<ClusterMethod, number>;
  injectedFailures: number;
  /** helm processes started (install, rollback, uninstall). Persisted with `stateFile`. */
  helmCommands: number;
  /** Installs/upgrades started, by `namespace/release`. Persisted with `stateFile`. */
  installsStarted: Map<string, number>;
  /** Installs that ran to `deployed`, by `namespace/release`. Persisted with `stateFile`. */
  completedInstalls: Map<string, number>;
  /** Releases recovered from `pending-*` by `unlockRelease`. Persisted with `stateFile`. */
  releasesUnlocked: Map<string, number>;
  /** `helm rollback`s run by `rollbackRelease`, by `namespace/release` (not kept in `stateFile`). */
  rollbacks: Map<string, number>;
  /** Times two calls were in flight on one namespace at once (should never happen). */
  overlaps: Overlap[];
  /** Namespaces each caller (replica) acted on. */
  actedOnBy: Map<string, Set<string>>;
}

export interface Caller {
  id: string;
  crashed: boolean;
}

export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

export function increment(counter: Map<string, number>, key: string): void {
  counter.set(key, (counter.get(key) ?? 0) + 1);
}

export function freshStats(): SimulatedClusterStats {
  return {
    snapshots: 0,
    reads: 0,
    calls: {
      snapshot: 0,
      ensureNamespace: 0,
      applyObjects: 0,
      readJob: 0,
      deleteJob: 0,
      scaleWorkload: 0,
      ensureSecret: 0,
      readSecret: 0,
      copySecret: 0,
      installRelease: 0,
      unlockRelease: 0,
      rollbackRelease: 0,
      checkServiceHealth: 0,
      uninstallRelease: 0,
      deleteNamespace: 0,
    },
    injectedFailures: 0,
    helmCommands: 0,
    installsStarted: new Map(),
    completedInstalls: new Map(),
    releasesUnlocked: new Map(),
    rollbacks: new Map(),
    overlaps: [],
    actedOnBy: new Map(),
  };
}

/** The counters a state file keeps (the cluster's history outlives the processes that made it). */
export function persistCounters(c: SimulatedClusterStats): PersistedCounters {
  return {
    helmCommands: c.helmCommands,
    installsStarted: Object.fromEntries(c.installsStarted),
    completedInstalls: Object.fromEntries(c.completedInstalls),
    releasesUnlocked: Object.fromEntries(c.releasesUnlocked),
  };
}

export function restoreCounters(into: SimulatedClusterStats, c: PersistedCounters): void {
  into.helmCommands = c.helmCommands;
  into.installsStarted = new Map(Object.entries(c.installsStarted));
  into.completedInstalls = new Map(Object.entries(c.completedInstalls));
  into.releasesUnlocked = new Map(Object.entries(c.releasesUnlocked));
}

export class CallTracker {
  private readonly inFlight = new Map<string, string[]>();

  constructor(
    private readonly stats: () => SimulatedClusterStats,
    private readonly faults: Faults,
    private readonly now: () => number,
  ) {}

  /** Counts the call, rolls the fault dice, and marks the namespace busy (null: a read). */
  async begin(caller: Caller, method: ClusterMethod, namespace: string | null): Promise<void> {
    if (caller.crashed) return never();
    const stats = this.stats();
    stats.calls[method] += 1;
    const injected = this.faults.roll(method);
    if (injected) {
      stats.injectedFailures += 1;
      throw injected;
    }
    if (namespace === null) return;
    const holders = this.inFlight.get(namespace) ?? [];
    if (holders.length > 0)
      stats.overlaps.push({ namespace, callers: [...holders, caller.id], at: this.now() });
    holders.push(caller.id);
    this.inFlight.set(namespace, holders);
    let acted = stats.actedOnBy.get(caller.id);
    if (!acted) {
      acted = new Set();
      stats.actedOnBy.set(caller.id, acted);
    }
    acted.add(namespace);
  }

  /** A crashed caller never ends: its namespaces stay busy, as a dead process's would. */
  end(caller: Caller, namespace: string): void {
    if (caller.crashed) return;
    const holders = this.inFlight.get(namespace) ?? [];
    const i = holders.indexOf(caller.id);
    if (i >= 0) holders.splice(i, 1);
    if (holders.length === 0) this.inFlight.delete(namespace);
  }
}
