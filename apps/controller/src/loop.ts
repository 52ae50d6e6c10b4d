// The controller loop: wake on NOTIFY (and on an interval sweep, when a
// requeued store comes due, and when the cluster's watch cache reports that
// something a store owns changed), claim due stores in Postgres, and reconcile them
// through a p-queue — one snapshot shared by the stores of a batch, at most
// one reconcile per store in flight, claims kept alive while held.
import {
  claimDueStores,
  type DatabaseHandle,
  findStoreById,
  makeStoresDue,
  releaseAllClaims,
  renewClaims,
  STORE_CHANGES_CHANNEL,
  type Store,
} from "@storeplane/db";
import PQueue from "p-queue";
import type { Logger } from "pino";
import type { ChartCatalog } from "./desired.ts";
import { type Cluster, type ClusterSnapshot, storeNamespace } from "./k8s.ts";
import {
  type ReconcileConfig,
  type ReconcileReport,
  reconcileStore,
} from "./reconcile/reconcile-store.ts";

export interface LoopConfig extends ReconcileConfig {
  concurrency: number;
  sweepIntervalMs: number;
  claimBatch: number;
  claimTtlSeconds: number;
  snapshotMaxAgeMs: number;
  shutdownGraceMs: number;
}

/**
 * Watches each reconcile of a loop. Production's metrics are one (main.ts
 * wires them at the composition root); benchmarks and tests add their own
 * trackers the same way, so the loop has no path only tests take.
 */
export interface ReconcileObserver {
  /** The cluster reported a change to something the store owns, at this epoch millisecond. */
  clusterChanged?(storeId: string, at: number): void;
  /** A store's reconcile starts, at this epoch millisecond. */
  reconcileStarted?(store: Store, at: number): void;
  /** A store's reconcile ended with this report after `durationMs`. */
  reconcileFinished?(store: Store, report: ReconcileReport, durationMs: number): void;
}

/** Everything the loop works with, passed in by the composition root (main.ts, apps/dev). */
export interface LoopDeps {
  handle: DatabaseHandle;
  cluster: Cluster;
  config: LoopConfig;
  charts: ChartCatalog;
  replicaId: string;
  logger: Logger;
  observers: ReconcileObserver[];
}

/**
 * One cluster-wide snapshot shared by every store of a claimed batch, taken
 * after the claim (so it can never predate a store's previous pass) and
 * refreshed when a long batch makes it older than `maxAgeMs`.
 */
class BatchSnapshot {
  private current: { promise: Promise<ClusterSnapshot>; takenAt: number } | null = null;
  constructor(
    private readonly cluster: Cluster,
    private readonly maxAgeMs: number,
    /** The batch's namespaces: all a pass looks at, so all the snapshot needs to hold. */
    private readonly namespaces: readonly string[],
  ) {}
  get(): Promise<ClusterSnapshot> {
    const now = Date.now();
    if (this.current && now - this.current.takenAt <= this.maxAgeMs) return this.current.promise;
    const promise = this.cluster.snapshot({ namespaces: this.namespaces });
    const entry = { promise, takenAt: now };
    this.current = entry;
    promise.catch(() => {
      if (this.current === entry) this.current = null;
    });
    return promise;
  }
}

export class ControllerLoop {
  private readonly queue: PQueue;
  private readonly held = new Set<string>();
  /** Stores with a reconcile running, and the switch that ends it (claim lost, shutdown). */
  private readonly inFlight = new Map<string, AbortController>();
  private lastRenewal = Date.now();
  private readonly changedWhileHeld = new Set<string>();
  /** Stores the cluster reported changed while held: due again once their pass ends. */
  private readonly clusterChangedWhileHeld = new Set<string>();
  /** Stores the cluster reported changed, to be made due in one write. */
  private readonly dueSoon = new Set<string>();
  private flushingDue = false;
  private unwatch: (() => void) | null = null;
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private sweepTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  private unlisten: (() => Promise<void>) | null = null;
  private ticking = false;
  private full = false;
  private tickAgain = false;
  private stopping = false;
  private started = false;

  constructor(private readonly deps: LoopDeps) {
    this.queue = new PQueue({ concurrency: deps.config.concurrency });
    this.log = deps.logger.child({ replica: deps.replicaId });
  }

  get replicaId(): string {
    return this.deps.replicaId;
  }

  /** Stores claimed by this replica (queued or running). */
  get depth(): number {
    return this.held.size;
  }

  get isRunning(): boolean {
    return this.started && !this.stopping;
  }

  async start(): Promise<void> {
    this.unlisten = await this.deps.handle.listen(STORE_CHANGES_CHANNEL, (storeId) => {
      if (this.held.has(storeId)) this.changedWhileHeld.add(storeId);
      this.wake();
    });
    this.sweepTimer = setInterval(() => this.wake(), this.deps.config.sweepIntervalMs);
    const heartbeatMs = Math.max(200, (this.deps.config.claimTtlSeconds * 1000) / 3);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), heartbeatMs);
    // The real cluster's watch cache: a deleted Deployment, a crashing pod or a
    // failed Job wakes that store now rather than at its next drift check.
    this.unwatch = this.deps.cluster.onStoreChanged?.((id) => this.clusterChanged(id)) ?? null;
    this.started = true;
    this.log.info(
      {
        concurrency: this.deps.config.concurrency,
        cluster: this.deps.cluster.mode,
        clusterWatch: this.unwatch !== null,
      },
      "controller loop started",
    );
    this.wake();
  }

  /** Look for due work now (coalesced: one claim at a time). */
  wake(): void {
    if (this.stopping) return;
    void this.tick();
  }

  /**
   * SIGTERM: stop claiming, let in-flight reconciles (and their helm) finish
   * within the grace period, then abort them — helm marks the release failed
   * rather than leaving it pending — and give every claim back.
   */
  async stop(graceMs = this.deps.config.shutdownGraceMs): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.clearTimers();
    this.unwatch?.();
    await this.unlisten?.().catch(() => undefined);
    this.queue.clear(); // not started yet: their claims are released below
    const idle = this.queue.onIdle();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<"grace-over">((resolve) => {
      timer = setTimeout(() => resolve("grace-over"), graceMs);
    });
    if ((await Promise.race([idle.then(() => "idle" as const), graceOver])) === "grace-over") {
      this.log.warn(
        { inFlight: [...this.inFlight] },
        "grace period over: aborting in-flight reconciles",
      );
      this.abort.abort(new DOMException("controller shutting down", "AbortError"));
      await idle;
    }
    clearTimeout(timer);
    const released = await releaseAllClaims(this.deps.handle.db, this.deps.replicaId);
    this.log.info({ released }, "controller loop stopped; claims released");
  }

  private clearTimers(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.sweepTimer = this.heartbeatTimer = this.wakeTimer = null;
  }

  /**
    this.unwatch?.();
   * Renews the claims of every held store. A store whose claim was lost (or
   * all of them, when renewal has failed for a whole TTL) has its reconcile
   * aborted — helm included — since another replica may now own it.
   */
  private async heartbeat(): Promise<void> {
    if (this.stopping) return;
    const ids = [...this.held];
    if (ids.length === 0) {
      this.lastRenewal = Date.now();
      return;
    }
    try {
      const stillHeld = new Set(
        await renewClaims(this.deps.handle.db, {
          owner: this.deps.replicaId,
          storeIds: ids,
          ttlSeconds: this.deps.config.claimTtlSeconds,
        }),
      );
      this.lastRenewal = Date.now();
      for (const id of ids) if (!stillHeld.has(id)) this.loseClaim(id);
    } catch (error) {
      this.log.warn({ err: error }, "could not renew claims");
      if (Date.now() - this.lastRenewal > this.deps.config.claimTtlSeconds * 1000) {
        for (const id of ids) this.loseClaim(id);
      }
    }
  }

  private loseClaim(storeId: string): void {
    const running = this.inFlight.get(storeId);
    if (!running || running.signal.aborted) return;
    this.log.warn({ storeId }, "claim lost: ending this replica's reconcile of the store");
    running.abort(new DOMException("claim lost", "AbortError"));
  }

  private clusterChanged(storeId: string): void {
    if (this.stopping) return;
    const at = Date.now();
    for (const observer of this.deps.observers) observer.clusterChanged?.(storeId, at);
    if (this.held.has(storeId)) {
      this.clusterChangedWhileHeld.add(storeId);
      return;
    }
    this.dueSoon.add(storeId);
    void this.flushDue();
  }

  /** Coalesces a burst of cluster changes (a relist, a rollout) into one UPDATE and one wake. */
  private async flushDue(): Promise<void> {
    if (this.flushingDue) return;
    this.flushingDue = true;
    try {
      while (this.dueSoon.size > 0 && !this.stopping) {
        const ids = [...this.dueSoon];
        this.dueSoon.clear();
        await makeStoresDue(this.deps.handle.db, ids);
        this.wake();
      }
    } catch (error) {
      // The drift sweep still looks at these stores; nothing is lost but time.
      this.log.warn({ err: error }, "could not requeue stores the cluster reported changed");
    } finally {
      this.flushingDue = false;
    }
  }

  private scheduleWake(at: number): void {
    if (this.stopping) return;
    if (at >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.wake();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private async tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    try {
      do {
        this.tickAgain = false;
        if (this.stopping) return;
        const capacity = this.deps.config.claimBatch - this.held.size;
        if (capacity <= 0) {
          // Full: the next pass to end claims again (not the next sweep, an interval away).
          this.full = true;
          return;
        }
        const stores = await claimDueStores(this.deps.handle.db, {
          owner: this.deps.replicaId,
          limit: capacity,
          ttlSeconds: this.deps.config.claimTtlSeconds,
        });
        if (stores.length === 0) continue;
        const claimedAt = Date.now();
        const batch = new BatchSnapshot(
          this.deps.cluster,
          this.deps.config.snapshotMaxAgeMs,
          stores.map((s) => storeNamespace(s.name)),
        );
        for (const store of stores) {
          if (this.held.has(store.id)) continue;
          this.held.add(store.id);
          void this.queue.add(() => this.run(store, claimedAt, batch));
        }
        // A full batch means more may be due right away.
        if (stores.length === capacity) this.tickAgain = true;
      } while (this.tickAgain);
    } catch (error) {
      this.log.error({ err: error }, "claiming due stores failed; next sweep retries");
    } finally {
      this.ticking = false;
    }
  }

  private async run(claimed: Store, claimedAt: number, batch: BatchSnapshot): Promise<void> {
    if (this.inFlight.has(claimed.id)) return; // never two reconciles of one store at once
    const storeAbort = new AbortController();
    this.inFlight.set(claimed.id, storeAbort);
    this.changedWhileHeld.delete(claimed.id);
    const started = Date.now();
    try {
      // The claimed row is fresh when the batch is; a store that waited in the
      this.log.debug({ storeId: claimed.id }, "reconcile started");
      // queue is re-read so a change made meanwhile is not acted on late.
      const store =
        started - claimedAt < 1_000
          ? claimed
          : await findStoreById(this.deps.handle.db, claimed.id);
      if (!store || store.deleted_at || store.claimed_by !== this.deps.replicaId) return;
      // Only now is this a reconcile: a store whose claim was lost while it
      // waited in the queue is not reconciled, and observers see neither its
      // start nor its finish (a start without a finish reads as still running).
      for (const observer of this.deps.observers) observer.reconcileStarted?.(store, started);
      const report = await reconcileStore(
        {
          db: this.deps.handle.db,
          cluster: this.deps.cluster,
          config: this.deps.config,
          charts: this.deps.charts,
          owner: this.deps.replicaId,
          logger: this.log,
          snapshot: () => batch.get(),
          signal: AbortSignal.any([this.abort.signal, storeAbort.signal]),
        },
        store,
      );
      const durationMs = Date.now() - started;
      for (const observer of this.deps.observers)
        observer.reconcileFinished?.(store, report, durationMs);
      if (this.changedWhileHeld.delete(claimed.id)) this.scheduleWake(Date.now());
      else if (report.nextReconcileAt) this.scheduleWake(report.nextReconcileAt.getTime());
    } catch (error) {
      this.log.error({ err: error, storeId: claimed.id }, "reconcile crashed");
    } finally {
      this.inFlight.delete(claimed.id);
      this.held.delete(claimed.id);
      // Its claim is released now, so making it due is no longer undone by the release.
      if (this.clusterChangedWhileHeld.delete(claimed.id)) this.clusterChanged(claimed.id);
      if (this.full) {
        this.full = false;
        this.wake();
      }
    }
  }
}
