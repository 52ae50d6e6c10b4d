// Benchmark (issue 16, "Figures"): rolling an engine chart version out across
// a fleet, on the SIMULATED cluster (test and demo tool) with the real
// controller loop and the real rollout driver in one process, wired as
// apps/controller/test/rollout.sim.test.ts wires them, with the controller's
// production defaults (apps/controller/src/env.ts: concurrency 4, progress
// re-check every 3 s, driver pass every 5 s and after each reconcile) and the
// simulated cluster's DEFAULT_LATENCIES (helm upgrade 200 ms, pods Ready 1 s
// after creation, setup Job 0.8 s). On one fleet of STORES WooCommerce stores,
// all Ready on 0.1.0 (the real first release, charts/archive), four rollouts in a row:
//   1. a good version (0.2.0, the real current chart), default waves (1, 10 %, 50 %, 100 %): total time,
//      time per wave, helm upgrades per store (must be exactly 1), peak
//      upgrading stores vs max unavailable, process RSS and heap peaks;
//   2. a version whose helm upgrade fails (0.3.0): time from the failure to the
//      rollout `halted` in the database, stores touched (must be 1);
//   3. a version whose helm upgrade keeps timing out (0.5.0, transient: the
//      controller retries), so the canary is never Ready within a short
//      deadline: time from the deadline to `halted`, stores touched (must be 1);
//   4. a version whose helm upgrade succeeds but whose app then crash-loops
//      (0.4.0): must halt like 3 (the gate waits for workload status read
//      after the upgrade; before that fix it passed on the pre-upgrade one and
//      this benchmark found it). If it does not halt, the script aborts the
//      rollout after its canary and reports a failed check.
// Database: PGlite in this process by default; real Postgres when
// TEST_DATABASE_URL (or DATABASE_URL) names a server: a fresh database is
// made in it and dropped at the end.
//
//   npm run bench:rollout                                   # PGlite
//   eval "$(bash scripts/throwaway-postgres.sh start)"      # real Postgres 15
//   npm run bench:rollout; bash scripts/throwaway-postgres.sh stop "$PGTMP"
//
// Knobs: STORES (500), MAX_UNAVAILABLE (25), PAUSE_SECONDS (1),
// FAULT_DEADLINE_SECONDS (10: the wave deadline of rollouts 3 and 4).

import { join } from "node:path";
import {
  changeRolloutState,
  type DatabaseHandle,
  listRolloutStores,
  type RolloutStore,
  startRollout,
} from "@storeplane/db";
import { openTestDatabase } from "@storeplane/db/testing";
import { type Cluster, HelmError, type ReleaseSpec } from "@storeplane/k8s";
import { createSimulatedCluster, type SimulatedCluster } from "@storeplane/k8s/simulated";
import { sql } from "kysely";
import { readControllerConfig } from "../apps/controller/src/env.ts";
import { RolloutDriver } from "../apps/controller/src/rollouts/driver.ts";
import { addArchivedVersion, chartsWithArchive } from "../apps/controller/test/chart-versions.ts";
import {
  type ConnectableCluster,
  createStores,
  silentLogger,
  startController,
  waitFor,
} from "../apps/controller/test/harness.ts";
import { machineLoad } from "./bench/stats.ts";

const STORES = Number(process.env.STORES ?? 500);
const MAX_UNAVAILABLE = Number(process.env.MAX_UNAVAILABLE ?? 25);
const PAUSE_SECONDS = Number(process.env.PAUSE_SECONDS ?? 1);
const FAULT_DEADLINE_SECONDS = Number(process.env.FAULT_DEADLINE_SECONDS ?? 10);
const FROM = "0.1.0";
const GOOD = "0.2.0";
const FAILS = "0.3.0";
const CRASHES = "0.4.0";
const TIMES_OUT = "0.5.0";

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Peak RSS and heap of this process (controller + simulated cluster + PGlite when used), sampled. */
class MemoryPeaks {
  rss = 0;
  heap = 0;
  private readonly timer = setInterval(() => this.sample(), 200);
  sample(): void {
    const m = process.memoryUsage();
    this.rss = Math.max(this.rss, m.rss);
    this.heap = Math.max(this.heap, m.heapUsed);
  }
  reset(): void {
    this.rss = 0;
    this.heap = 0;
    this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * The simulated cluster as every replica sees it, with the benchmark's
 * additions: it counts helm upgrades in flight and per namespace; a helm
 * upgrade to the chart of FAILS takes its usual time and then fails as helm
 * does (`Error: UPGRADE FAILED: …`, HelmFailed: terminal for the controller);
 * one to TIMES_OUT fails likewise with helm's timeout (HelmTimeout: transient,
 * retried with backoff, so the store stays not Ready); one to CRASHES succeeds, and from then on the
 * store's app container crashes on every start (the simulated cluster's
 * `failContainerStart`: CrashLoopBackOff, never Ready) until an upgrade to
 * another chart or a rollback. The simulated cluster's own fault dice cannot pick one chart
 * version, and a faulty upgrade must not also fail the rollback after it.
 */
class HelmWatch implements ConnectableCluster {
  inFlight = 0;
  peakInFlight = 0;
  upgrades = new Map<string, number>();
  failedAt: number | null = null;
  private readonly crashing = new Set<string>();

  constructor(
    private readonly sim: SimulatedCluster,
    private readonly charts: { fails: string; timesOut: string; crashes: string },
  ) {}

  reset(): void {
    this.upgrades.clear();
    this.peakInFlight = this.inFlight;
    this.failedAt = null;
  }

  connect(replicaId: string): Cluster {
    const cluster = this.sim.connect(replicaId);
    return {
      ...cluster,
      // The controller's automatic rollback goes back to the previous
      // revision: the app then starts again (the fault belongs to CRASHES only).
      rollbackRelease: async (namespace, release, target, opts) => {
        if (this.crashing.delete(namespace)) this.sim.clearContainerStartFailure(namespace);
        return cluster.rollbackRelease(namespace, release, target, opts);
      },
      installRelease: async (spec: ReleaseSpec, opts) => {
        this.upgrades.set(spec.namespace, (this.upgrades.get(spec.namespace) ?? 0) + 1);
        this.inFlight += 1;
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
        try {
          if (spec.chart === this.charts.fails || spec.chart === this.charts.timesOut) {
            await new Promise((r) => setTimeout(r, this.sim.latencies.helmInstallMs));
            this.failedAt ??= Date.now();
            // helm's words (pkg/action/upgrade.go; kube/wait.go for the timeout).
            throw spec.chart === this.charts.fails
              ? new HelmError(
                  "HelmFailed",
                  `helm upgrade ${spec.release} failed: Error: UPGRADE FAILED: pre-upgrade hooks failed: job failed: BackoffLimitExceeded (benchmark fault)`,
                  { exitCode: 1 },
                )
              : new HelmError(
                  "HelmTimeout",
                  `helm upgrade ${spec.release} timed out: Error: UPGRADE FAILED: context deadline exceeded (benchmark fault)`,
                  { exitCode: 1 },
                );
          }
          if (this.crashing.delete(spec.namespace))
            this.sim.clearContainerStartFailure(spec.namespace);
          await cluster.installRelease(spec, opts);
          if (spec.chart === this.charts.crashes) {
            this.crashing.add(spec.namespace);
            this.sim.failContainerStart(spec.namespace);
          }
        } finally {
          this.inFlight -= 1;
        }
      },
    };
  }
}

/** Most intervals [started_at, finished_at) open at once. */
function peakOverlap(members: readonly RolloutStore[]): number {
  const edges: Array<[number, number]> = [];
  for (const m of members) {
    if (!m.started_at) continue;
    edges.push([m.started_at.getTime(), 1]);
    edges.push([m.finished_at?.getTime() ?? Number.POSITIVE_INFINITY, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of edges) {
    open += d;
    peak = Math.max(peak, open);
  }
  return peak;
}

const rolloutRow = (h: DatabaseHandle, id: string) =>
  h.db.selectFrom("rollouts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

async function begin(
  h: DatabaseHandle,
  version: string,
  options: { deadlineSeconds: number },
): Promise<{ id: string; canary: string; startedAt: number }> {
  const startedAt = Date.now();
  const started = await startRollout(h.db, {
    engine: "woocommerce",
    targetChartVersion: version,
    waveDeadlineSeconds: options.deadlineSeconds,
    pauseSeconds: PAUSE_SECONDS,
    maxUnavailable: MAX_UNAVAILABLE,
    createdBy: "bench",
  });
  if ("refused" in started) throw new Error(`rollout to ${version} refused: ${started.refused}`);
  await sql`select pg_notify('store_changes', 'bulk')`.execute(h.db);
  return {
    id: started.rollout.id,
    canary: started.stores[0]?.store_id ?? "",
    startedAt,
  };
}

async function main() {
  const adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
  const { handle, drop } = await openTestDatabase(adminUrl);
  const charts = chartsWithArchive();
  // FROM (0.1.0, charts/archive) and GOOD (0.2.0, charts/) are the real
  // releases; the faulty versions are copies the HelmWatch below sabotages.
  for (const v of [FAILS, CRASHES, TIMES_OUT]) addArchivedVersion(charts.dir, "woocommerce", v);
  const memory = new MemoryPeaks();
  const sim = createSimulatedCluster();
  const archived = (v: string) => join(charts.dir, "archive", "woocommerce", v);
  const helm = new HelmWatch(sim, {
    fails: archived(FAILS),
    timesOut: archived(TIMES_OUT),
    crashes: archived(CRASHES),
  });
  // The production defaults, as main.ts reads them from an empty environment.
  const prod = readControllerConfig({ CLUSTER: "simulated" });
  const driver = new RolloutDriver({
    handle,
    intervalMs: prod.rolloutIntervalMs,
    logger: silentLogger,
  });
  const loop = startController(handle, helm, {
    config: {
      concurrency: prod.concurrency,
      sweepIntervalMs: prod.sweepIntervalMs,
      claimBatch: prod.claimBatch,
      claimTtlSeconds: prod.claimTtlSeconds,
      provisioningDeadlineMs: prod.provisioningDeadlineMs,
      backoffBaseMs: prod.backoffBaseMs,
      backoffCapMs: prod.backoffCapMs,
      driftIntervalMs: prod.driftIntervalMs,
      progressIntervalMs: prod.progressIntervalMs,
      namespaceStuckMs: prod.namespaceStuckMs,
      snapshotMaxAgeMs: prod.snapshotMaxAgeMs,
      helmTimeoutSeconds: prod.helmTimeoutSeconds,
      chartsDir: charts.dir,
      shutdownGraceMs: 1_000,
    },
    observer: driver.observer,
  });
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failures.push(what);
  };
  try {
    await loop.start();
    driver.start();
    console.error(`database: ${handle.description}; ${STORES} stores…`);

    // ---- The fleet: STORES WooCommerce stores Ready on FROM ---------------
    const t0 = Date.now();
    const stores = await createStores(handle, STORES, {
      engine: "woocommerce",
      prefix: "roll",
      chartVersion: FROM,
    });
    const release = new Map(stores.map((x) => [x.id, `store-${x.name}/store`]));
    let lastLog = t0;
    await waitFor(
      `${STORES} Ready`,
      async () => {
        const r = await handle.db
          .selectFrom("stores")
          .select((eb) => eb.fn.countAll<string>().as("c"))
          .where("phase", "=", "Ready")
          .where("deployed_chart_version", "=", FROM)
          .executeTakeFirstOrThrow();
        if (Date.now() - lastLog >= 10_000) {
          lastLog = Date.now();
          console.error(`  ${s(lastLog - t0)}: ${r.c} Ready`);
        }
        return Number(r.c) === STORES;
      },
      1_200_000,
      250,
    );
    const provisionMs = Date.now() - t0;
    console.error(`fleet Ready in ${s(provisionMs)}; rollout to ${GOOD}…`);

    // ---- 1. A good version, default waves ----------------------------------
    sim.resetStats();
    helm.reset();
    memory.reset();
    const good = await begin(handle, GOOD, { deadlineSeconds: 600 });
    lastLog = Date.now();
    const completed = await waitFor(
      "rollout completed",
      async () => {
        const row = await rolloutRow(handle, good.id);
        if (Date.now() - lastLog >= 10_000) {
          lastLog = Date.now();
          const c = await handle.db
            .selectFrom("rollout_stores")
            .select((eb) => eb.fn.countAll<string>().as("c"))
            .where("rollout_id", "=", good.id)
            .where("state", "=", "succeeded")
            .executeTakeFirstOrThrow();
          console.error(`  ${s(lastLog - good.startedAt)}: ${c.c} succeeded`);
        }
        if (row.state === "halted") throw new Error(`good rollout halted: ${row.halt_reason}`);
        return row.state === "completed" ? row : undefined;
      },
      1_200_000,
      100,
    );
    const goodMs = (completed.finished_at?.getTime() ?? Date.now()) - good.startedAt;
    const goodMemory = { rss: memory.rss, heap: memory.heap };
    const members = await listRolloutStores(handle.db, good.id);
    const stats = sim.stats();
    const upgradesPerStore = stores.map(
      (x) => stats.installsStarted.get(release.get(x.id) ?? "") ?? 0,
    );
    const deployedPerStore = stores.map(
      (x) => stats.completedInstalls.get(release.get(x.id) ?? "") ?? 0,
    );
    const onTarget = await handle.db
      .selectFrom("stores")
      .select((eb) => eb.fn.countAll<string>().as("c"))
      .where("phase", "=", "Ready")
      .where("deployed_chart_version", "=", GOOD)
      .executeTakeFirstOrThrow();
    const waves = [...new Set(members.map((m) => m.wave))].sort((a, b) => a - b);
    const waveRows: string[] = [];
    let previousEnd = good.startedAt;
    for (const wave of waves) {
      const of = members.filter((m) => m.wave === wave);
      const start = Math.min(...of.map((m) => m.started_at?.getTime() ?? Number.NaN));
      const end = Math.max(...of.map((m) => m.finished_at?.getTime() ?? Number.NaN));
      waveRows.push(
        `| ${wave} | ${of.length} | ${s(start - previousEnd)} | ${s(end - start)} | ${peakOverlap(of)} |`,
      );
      previousEnd = end;
    }
    const minUp = Math.min(...upgradesPerStore);
    const maxUp = Math.max(...upgradesPerStore);
    const peakUpgrading = peakOverlap(members);
    check(minUp === 1 && maxUp === 1, `helm upgrades per store ${minUp}–${maxUp}, not exactly 1`);
    check(
      deployedPerStore.every((n) => n === 1),
      "a store's upgrade did not complete exactly once",
    );
    check(Number(onTarget.c) === STORES, `${onTarget.c} of ${STORES} Ready on ${GOOD}`);
    check(peakUpgrading <= MAX_UNAVAILABLE, `peak upgrading ${peakUpgrading} > max unavailable`);
    const goodHelmCommands = stats.helmCommands;
    const goodPeakHelm = helm.peakInFlight;

    // ---- 2. A version whose helm upgrade fails -----------------------------
    console.error(`rollout to ${FAILS} (helm upgrade fails)…`);
    const failing = await faultyRollout(handle, sim, helm, FAILS, {
      deadlineSeconds: 600,
      failureMoment: () => helm.failedAt,
    });
    // ---- 3. A version whose helm upgrade keeps timing out: never Ready -----
    console.error(`rollout to ${TIMES_OUT} (never Ready within ${FAULT_DEADLINE_SECONDS} s)…`);
    const timingOut = await faultyRollout(handle, sim, helm, TIMES_OUT, {
      deadlineSeconds: FAULT_DEADLINE_SECONDS,
      failureMoment: (canaryStartedAt) => canaryStartedAt + FAULT_DEADLINE_SECONDS * 1000,
    });
    // ---- 4. A version whose app crash-loops once deployed -------------------
    console.error(`rollout to ${CRASHES} (app crash-loops after the upgrade)…`);
    const crashing = await faultyRollout(handle, sim, helm, CRASHES, {
      deadlineSeconds: FAULT_DEADLINE_SECONDS,
      failureMoment: (canaryStartedAt) => canaryStartedAt + FAULT_DEADLINE_SECONDS * 1000,
    });
    const faulty = [
      [FAILS, "helm upgrade fails after 200 ms (HelmFailed, terminal)", failing],
      [
        TIMES_OUT,
        `helm upgrade times out after 200 ms, retried (HelmTimeout, transient); deadline ${FAULT_DEADLINE_SECONDS} s`,
        timingOut,
      ],
      [
        CRASHES,
        `helm upgrade succeeds, then the app crash-loops; deadline ${FAULT_DEADLINE_SECONDS} s`,
        crashing,
      ],
    ] as const;
    for (const [v, , r] of faulty) {
      check(r.halted, `${v}: the canary passed the health gate; the rollout did not halt`);
      check(r.touched === 1, `${v}: ${r.touched} stores touched, not 1`);
      if (r.halted) check(r.haltedStore === r.canary, `${v}: halted on another store`);
    }
    const usage = process.resourceUsage();

    // ---- Report -------------------------------------------------------------
    const cfg = `concurrency ${prod.concurrency}, progress re-check ${prod.progressIntervalMs} ms, rollout driver every ${prod.rolloutIntervalMs} ms and after each reconcile`;
    console.log(
      `\nRollout benchmark on the SIMULATED cluster (test and demo tool), real controller loop + rollout driver in one process; ${handle.description}; ${STORES} WooCommerce stores; simulated latencies: helm upgrade ${sim.latencies.helmInstallMs} ms, pods Ready ${sim.latencies.workloadsReadyMs} ms after creation, setup Job ${sim.latencies.jobCompleteMs} ms, API call ${sim.latencies.apiCallMs} ms; controller production defaults (${cfg}); max unavailable ${MAX_UNAVAILABLE}, pause between waves ${PAUSE_SECONDS} s; ${machineLoad()} at the end.\n`,
    );
    console.log(`Fleet provisioned (${STORES} stores → Ready on ${FROM}): ${s(provisionMs)}\n`);
    console.log(`**Good version ${FROM} → ${GOOD}, default waves**\n`);
    console.log("| measure | value |\n| --- | --- |");
    console.log(`| total, start → completed | ${s(goodMs)} |`);
    console.log(`| stores Ready on ${GOOD} | ${onTarget.c} / ${STORES} |`);
    console.log(
      `| helm upgrades per store (simulated cluster's counters), min / max | ${minUp} / ${maxUp} |`,
    );
    console.log(`| helm commands in the rollout, all stores | ${goodHelmCommands} |`);
    console.log(
      `| peak stores upgrading at once (rollout_stores) / max unavailable | ${peakUpgrading} / ${MAX_UNAVAILABLE} |`,
    );
    console.log(
      `| peak helm upgrades in flight / controller concurrency | ${goodPeakHelm} / ${prod.concurrency} |`,
    );
    console.log(
      `| process peak RSS / heap during the rollout (sampled every 200 ms) | ${mb(goodMemory.rss)} MB / ${mb(goodMemory.heap)} MB |`,
    );
    console.log(
      `| process max RSS, whole run (getrusage) | ${Math.round(usage.maxRSS / 1024)} MB |`,
    );
    console.log(
      "\n| wave | stores | wait before (pause + driver) | first assigned → last passed | peak upgrading |\n| --- | --- | --- | --- | --- |",
    );
    for (const row of waveRows) console.log(row);
    console.log("\n**Faulty versions: the canary fails**\n");
    console.log(
      "| version | fault | failure → halted (row written) | failure → halted seen by a 20 ms poll | stores touched | canary back on its version, Ready | halt reason |\n| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const [v, fault, r] of faulty) {
      const back = r.rollbackMs === null ? "n/a" : `${s(r.rollbackMs)} after the halt`;
      const outcome = r.halted
        ? `${s(r.toHaltedMs)} | ${s(r.toSeenMs)}`
        : `**not halted**: canary marked succeeded ${s(r.passedAfterMs ?? Number.NaN)} after its assignment | n/a`;
      console.log(
        `| ${v} | ${fault} | ${outcome} | ${r.touched} | ${back} | ${r.reason.replaceAll("|", "\\|").slice(0, 160)} |`,
      );
    }
    if (failures.length > 0) {
      console.log(`\nFAILED CHECKS:\n- ${failures.join("\n- ")}`);
      process.exitCode = 1;
    } else {
      console.log(
        "\nChecks passed: exactly one helm upgrade per store, all stores on the target, peak upgrading within max unavailable, each faulty version halted at its canary with one store touched.",
      );
    }
  } finally {
    memory.stop();
    await driver.stop();
    await loop.stop();
    await handle.close();
    await drop();
    charts.remove();
  }
}

interface FaultyResult {
  canary: string;
  /** false: the canary passed the gate instead (the script aborted the rollout then). */
  halted: boolean;
  haltedStore: string | null;
  reason: string;
  toHaltedMs: number;
  toSeenMs: number;
  /** From the halt seen to the canary `rolled-back` (Ready on its previous version); null when not halted. */
  rollbackMs: number | null;
  /** Not halted: from the canary's assignment to its `succeeded`. */
  passedAfterMs: number | null;
  touched: number;
}

/**
 * Starts a rollout to a faulty version and waits for it to halt (then for the
 * canary to be Ready on its previous version) or for its canary to pass the
 * gate all the same; then aborts it (the next rollout of the engine needs it
 * finished, and a faulty version must go no further). "Touched": namespaces
 * that saw a helm upgrade, and stores of the rollout that left `pending`.
 */
async function faultyRollout(
  h: DatabaseHandle,
  sim: SimulatedCluster,
  helm: HelmWatch,
  version: string,
  options: {
    deadlineSeconds: number;
    /** Epoch ms of the failure, given the canary's assignment time. */
    failureMoment: (canaryStartedAt: number) => number | null;
  },
): Promise<FaultyResult> {
  sim.resetStats();
  helm.reset();
  const r = await begin(h, version, { deadlineSeconds: options.deadlineSeconds });
  const canaryOf = async () =>
    (await listRolloutStores(h.db, r.id)).find((m) => m.store_id === r.canary);
  const settled = await waitFor(
    `rollout to ${version} halted`,
    async () => {
      const row = await rolloutRow(h, r.id);
      if (row.state === "halted") return { row, seenAt: Date.now() };
      const canary = await canaryOf();
      return canary?.state === "succeeded" ? { row, seenAt: Date.now() } : undefined;
    },
    options.deadlineSeconds * 1000 + 120_000,
    20,
  );
  const halted = settled.row.state === "halted";
  const canary = await canaryOf();
  const canaryStartedAt = canary?.started_at?.getTime() ?? Number.NaN;
  const failedAt = options.failureMoment(canaryStartedAt) ?? Number.NaN;
  let rollbackMs: number | null = null;
  if (halted) {
    await waitFor(
      "canary rolled back",
      async () => (await canaryOf())?.state === "rolled-back",
      300_000,
      50,
    );
    rollbackMs = Date.now() - settled.seenAt;
  }
  const aborted = await changeRolloutState(h.db, r.id, "abort", new Date());
  if ("refused" in aborted) throw new Error(`abort refused: ${aborted.refused}`);
  const members = await listRolloutStores(h.db, r.id);
  const left = members.filter((m) => m.state !== "pending").length;
  return {
    canary: r.canary,
    halted,
    haltedStore: settled.row.halted_store_id,
    reason: settled.row.halt_reason ?? "",
    toHaltedMs: settled.row.updated_at.getTime() - failedAt,
    toSeenMs: settled.seenAt - failedAt,
    rollbackMs,
    passedAfterMs: halted ? null : (canary?.finished_at?.getTime() ?? Number.NaN) - canaryStartedAt,
    touched: Math.max(helm.upgrades.size, left),
  };
}

await main();
