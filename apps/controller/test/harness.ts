// Shared by the *.sim.test.ts suites and the benchmarks: a controller loop on
// a real database and the simulated cluster, with fast timings.
import { resolve } from "node:path";
import { type DatabaseHandle, listStoreEvents, type Store } from "@storeplane/db";
import type { Cluster } from "@storeplane/k8s";
import { type KyselyPlugin, sql } from "kysely";
import pino from "pino";
import { ChartCatalog } from "../src/desired.ts";
import { ControllerLoop, type LoopConfig, type ReconcileObserver } from "../src/loop.ts";

export const CHARTS_DIR = resolve(import.meta.dirname, "../../../charts");

export function testConfig(overrides: Partial<LoopConfig> = {}): LoopConfig {
  return {
    concurrency: 4,
    sweepIntervalMs: 50,
    claimBatch: 1_000,
    claimTtlSeconds: 5,
    snapshotMaxAgeMs: 50,
    shutdownGraceMs: 1_000,
    provisioningDeadlineMs: 20_000,
    namespaceStuckMs: 1_000,
    backoffBaseMs: 20,
    backoffCapMs: 300,
    driftIntervalMs: 60_000,
    progressIntervalMs: 20,
    chartsDir: CHARTS_DIR,
    valuesProfile: "local",
    baseDomain: "localhost",
    urlScheme: "http",
    ingressNamespace: "traefik",
    helmTimeoutSeconds: 30,
    ...overrides,
  };
}

export const silentLogger = pino({ level: process.env.LOG_LEVEL ?? "silent" });

/** A test cluster that hands out one Cluster per controller replica (simulated or fake API). */
export interface ConnectableCluster {
  connect(replicaId: string): Cluster;
}

/** A loop under test, and the in-process stand-in for SIGKILL. */
export interface TestController {
  loop: ControllerLoop;
  /**
   * Kill the controller as SIGKILL would, from outside the loop: from now on
   * none of its database statements runs (an open transaction rolls back, as
   * when Postgres sees the connection die), its NOTIFY wake-ups stop, and —
   * with `sim.crash(replicaId)` — its cluster calls never return. Its claims
   * are not released; they expire.
   */
  kill(): void;
}

export function startController(
  handle: DatabaseHandle,
  sim: ConnectableCluster,
  options: {
    replicaId?: string;
    config?: Partial<LoopConfig>;
    observer?: ReconcileObserver;
    /** Subscribe to NOTIFY (default true); off to measure the interval sweep alone. */
    listen?: boolean;
  } = {},
): ControllerLoop {
  return startKillableController(handle, sim, options).loop;
}

export function startKillableController(
  handle: DatabaseHandle,
  sim: ConnectableCluster,
  options: Parameters<typeof startController>[2] = {},
): TestController {
  const replicaId = options.replicaId ?? "replica-a";
  const config = testConfig(options.config);
  let killed = false;
  const dead = () => new Error(`controller ${replicaId} was killed (test harness)`);
  // Fails every statement before it is sent: the transformQuery step runs for
  // every query kysely compiles, raw `sql` included.
  const killSwitch: KyselyPlugin = {
    transformQuery(args) {
      if (killed) throw dead();
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  const listen = options.listen ?? true;
  const processView: DatabaseHandle = {
    ...handle,
    db: handle.db.withPlugin(killSwitch),
    async listen(channel, onNotify) {
      if (!listen) return async () => undefined;
      return handle.listen(channel, (payload) => {
        if (!killed) onNotify(payload);
      });
    },
  };
  const loop = new ControllerLoop({
    handle: processView,
    cluster: sim.connect(replicaId),
    config,
    charts: new ChartCatalog(config.chartsDir, config.valuesProfile),
    replicaId,
    logger: silentLogger,
    observers: options.observer ? [options.observer] : [],
  });
  return {
    loop,
    kill() {
      killed = true;
      // Only to end the dead loop's timers; nothing it does from here reaches the database.
      void loop.stop().catch(() => undefined);
    },
  };
}

let userCounter = 0;

export async function createStores(
  handle: DatabaseHandle,
  count: number,
  options: {
    prefix?: string;
    engine?: "woocommerce" | "medusa";
    /** Assigned before the controller sees them (default: none, so they get the default version). */
    chartVersion?: string;
  } = {},
): Promise<Store[]> {
  userCounter += 1;
  const user = await handle.db
    .insertInto("users")
    .values({
      email: `owner${userCounter}-${Date.now()}@example.test`,
      password_hash: "x",
      role: "member",
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const prefix = options.prefix ?? `s${userCounter}`;
  const rows = Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    engine: options.engine ?? (i % 2 === 0 ? ("woocommerce" as const) : ("medusa" as const)),
    plan: "small" as const,
    owner_id: user.id,
    chart_version: options.chartVersion ?? null,
  }));
  const stores = await handle.db.insertInto("stores").values(rows).returningAll().execute();
  await sql`select pg_notify('store_changes', 'bulk')`.execute(handle.db);
  return stores;
}

/** What the API does for a deletion: record the request, bump generation, NOTIFY. */
export async function requestDeletion(handle: DatabaseHandle, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await handle.db
    .updateTable("stores")
    .set({
      deletion_requested_at: sql`now()`,
      generation: sql`generation + 1`,
      next_reconcile_at: sql`now()`,
    })
    .where("id", "in", ids)
    .execute();
  await sql`select pg_notify('store_changes', 'bulk')`.execute(handle.db);
}

/** What the API does for a manual retry: bump generation, reset the counters, NOTIFY. */
export async function requestRetry(handle: DatabaseHandle, id: string): Promise<void> {
  await handle.db
    .updateTable("stores")
    .set({ generation: sql`generation + 1`, failure_count: 0, next_reconcile_at: sql`now()` })
    .where("id", "=", id)
    .execute();
  await sql`select pg_notify('store_changes', ${id})`.execute(handle.db);
}

export async function storesById(handle: DatabaseHandle, ids: string[]): Promise<Store[]> {
  if (ids.length === 0) return [];
  return handle.db.selectFrom("stores").selectAll().where("id", "in", ids).execute();
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The store's event reasons once all of `expected` are among them. A pass
 * writes its status first and its events after (reconcile-store.ts), so a
 * test that has just seen the phase may not see that pass's events yet.
 */
export async function waitForEventReasons(
  handle: DatabaseHandle,
  id: string,
  expected: readonly string[],
  timeoutMs = 10_000,
): Promise<string[]> {
  return waitFor(
    `events ${expected.join(", ")} of store ${id}`,
    async () => {
      const reasons = (await listStoreEvents(handle.db, id)).map((e) => e.reason);
      return expected.every((r) => reasons.includes(r)) ? reasons : undefined;
    },
    timeoutMs,
  );
}

export async function waitForPhase(
  handle: DatabaseHandle,
  ids: string[],
  phase: Store["phase"],
  timeoutMs = 30_000,
): Promise<Store[]> {
  return waitFor(
    `${ids.length} stores ${phase}`,
    async () => {
      const rows = await storesById(handle, ids);
      return rows.every((r) => r.phase === phase) ? rows : undefined;
    },
    timeoutMs,
  );
}
