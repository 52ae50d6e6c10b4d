// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// SIMULATED cluster (test tool). The rollout driver (issue 16) with the real
// controller loop: a rollout to a version the image carries moves every store
// wave by wave with exactly one helm upgrade each; a faulty version fails the
// canary, halts the rollout naming the store and the reason, sends the canary
// back to its previous version, and leaves every other store alone; a version
// whose upgrade runs but never turns Ready is undone by exactly one helm
// rollback, with no further upgrade.
import { type DatabaseHandle, listRolloutStores, startRollout } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { sql } from "kysely";
import { afterAll, beforeEach, expect, it } from "vitest";
import { ChartCatalog } from "../src/desired.ts";
import { driveRollouts, ROLLOUT_DRIVER_LOCK_KEY, RolloutDriver } from "../src/rollouts/driver.ts";
import { createRolloutHealthCheck } from "../src/rollouts/health-check.ts";
import {
  addArchivedVersion,
  chartsWithArchive,
  defaultChartVersion,
  FIRST_RELEASED_VERSION,
} from "./chart-versions.ts";
import {
  createStores,
  silentLogger,
  startController,
  storesById,
  waitFor,
  waitForPhase,
} from "./harness.ts";

/** The stores run the first released chart (charts/archive/woocommerce/0.1.0)… */
const PREVIOUS = FIRST_RELEASED_VERSION;
/** …and move to the current one (charts/woocommerce), both the real charts. */
const GOOD_VERSION = defaultChartVersion("woocommerce");
/** Its Chart.yaml says another version: the controller refuses to load it. */
const FAULTY_VERSION = "0.3.0";
const charts = chartsWithArchive();
addArchivedVersion(charts.dir, "woocommerce", GOOD_VERSION);
addArchivedVersion(charts.dir, "woocommerce", FAULTY_VERSION, "0.3.1");
/** Loads and installs, but its app image is not in the registry (a simulated fault): never Ready. */
const NEVER_READY_VERSION = "0.4.0";
const MISSING_IMAGE = "storeplane/woocommerce:0.4.0-never-pushed";
addArchivedVersion(charts.dir, "woocommerce", NEVER_READY_VERSION);
/** Turns Ready, but its health path answers 500 through the service proxy (a simulated fault). */
const UNHEALTHY_VERSION = "0.5.0";
addArchivedVersion(charts.dir, "woocommerce", UNHEALTHY_VERSION);
afterAll(() => charts.remove());

describeEachDatabase("rollouts on the simulated cluster", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function tenReadyStores(h: DatabaseHandle) {
    const stores = await createStores(h, 10, { engine: "woocommerce", chartVersion: PREVIOUS });
    const ids = stores.map((s) => s.id);
    const ready = await waitForPhase(h, ids, "Ready");
    for (const s of ready) expect(s.deployed_chart_version).toBe(PREVIOUS);
    return stores;
  }

  function start(h: DatabaseHandle) {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const driver = new RolloutDriver({
      handle: h,
      intervalMs: 50,
      logger: silentLogger,
      // The gate's engine health check, as main.ts wires it, against the same simulated cluster.
      healthCheck: createRolloutHealthCheck(
        sim.connect("rollout-driver"),
        new ChartCatalog(charts.dir, "local"),
      ),
    });
    const loop = startController(h, sim, {
      config: { chartsDir: charts.dir },
      observer: driver.observer,
    });
    return { sim, driver, loop };
  }

  async function rolloutTo(h: DatabaseHandle, version: string, waveDeadlineSeconds = 60) {
    const started = await startRollout(h.db, {
      engine: "woocommerce",
      targetChartVersion: version,
      waveDeadlineSeconds,
      pauseSeconds: 0,
      maxUnavailable: 10,
      createdBy: "test",
    });
    if ("refused" in started) throw new Error(started.refused);
    return started.rollout;
  }

  const rolloutRow = (h: DatabaseHandle, id: string) =>
    h.db.selectFrom("rollouts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  it("one replica at a time: a pass while another holds the advisory lock does nothing", async ({
    skip,
  }) => {
    // PGlite is one connection: a second session (the other replica) needs real Postgres.
    if (handle().kind !== "postgres")
      skip("needs real Postgres (TEST_DATABASE_URL): PGlite has a single session");
    await createStores(handle(), 2, { engine: "woocommerce" });
    await handle()
      .db.updateTable("stores")
      .set({ chart_version: PREVIOUS, phase: "Ready" })
      .execute();
    const rollout = await rolloutTo(handle(), GOOD_VERSION);
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let holding!: () => void;
    const held = new Promise<void>((r) => {
      holding = r;
    });
    const other = handle()
      .db.transaction()
      .execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${ROLLOUT_DRIVER_LOCK_KEY.toString()}::bigint)`.execute(
          trx,
        );
        holding();
        await released;
      });
    await held;
    try {
      expect(await driveRollouts(handle())).toEqual({ locked: false, steps: [] });
      const members = await listRolloutStores(handle().db, rollout.id);
      expect(members.map((m) => m.state)).toEqual(["pending", "pending"]);
    } finally {
      release();
      await other;
    }
    // Once the holder is gone, the pass runs: the canary is assigned.
    const pass = await driveRollouts(handle());
    expect(pass.locked).toBe(true);
    expect(pass.steps[0]?.step.kind).toBe("assign");
    const [canary] = await storesById(handle(), [
      (await listRolloutStores(handle().db, rollout.id))[0]!.store_id,
    ]);
    expect(canary!.chart_version).toBe(GOOD_VERSION);
  });

  it("moves every store wave by wave, one helm upgrade each, and completes", async () => {
    const { sim, driver, loop } = start(handle());
    await loop.start();
    driver.start();
    try {
      const stores = await tenReadyStores(handle());
      const release = (name: string) => `store-${name}/store`;
      for (const s of stores) expect(sim.stats().completedInstalls.get(release(s.name))).toBe(1);
      const healthChecks = sim.stats().calls.checkServiceHealth;

      const rollout = await rolloutTo(handle(), GOOD_VERSION);
      await waitFor("rollout completed", async () => {
        const row = await rolloutRow(handle(), rollout.id);
        return row.state === "completed" ? row : undefined;
      });

      const rows = await storesById(
        handle(),
        stores.map((s) => s.id),
      );
      for (const row of rows) {
        expect(row).toMatchObject({
          phase: "Ready",
          chart_version: GOOD_VERSION,
          deployed_chart_version: GOOD_VERSION,
        });
        expect(sim.stats().completedInstalls.get(release(row.name))).toBe(2);
      }
      const members = await listRolloutStores(handle().db, rollout.id);
      expect(members.map((m) => m.state)).toEqual(Array(10).fill("succeeded"));
      // Every upgraded store's engine was asked its health check before it passed.
      expect(sim.stats().calls.checkServiceHealth - healthChecks).toBeGreaterThanOrEqual(10);
      // Wave by wave: no store of a wave started before the previous wave finished.
      const waves = [...new Set(members.map((m) => m.wave))].sort((a, b) => a - b);
      expect(waves.length).toBeGreaterThan(1);
      expect(members.filter((m) => m.wave === waves[0])).toHaveLength(1); // the canary
      for (let i = 1; i < waves.length; i++) {
        const previousDone = Math.max(
          ...members.filter((m) => m.wave === waves[i - 1]).map((m) => m.finished_at!.getTime()),
        );
        for (const m of members.filter((x) => x.wave === waves[i]))
          expect(m.started_at!.getTime()).toBeGreaterThanOrEqual(previousDone);
      }
    } finally {
      await driver.stop();
      await loop.stop();
    }
  }, 60_000); // ten stores provisioned, then upgraded: slow on a loaded machine

  it("a faulty version fails the canary: halted naming it, the canary back on its version and Ready, the rest untouched", async () => {
    const { sim, driver, loop } = start(handle());
    await loop.start();
    driver.start();
    try {
      const stores = await tenReadyStores(handle());
      const rollout = await rolloutTo(handle(), FAULTY_VERSION);
      const halted = await waitFor("rollout halted", async () => {
        const row = await rolloutRow(handle(), rollout.id);
        return row.state === "halted" ? row : undefined;
      });
      const members = await listRolloutStores(handle().db, rollout.id);
      const canary = members.find((m) => m.position === 0)!;
      expect(halted.halted_store_id).toBe(canary.store_id);
      expect(halted.halt_reason).toContain(`upgrade to ${FAULTY_VERSION} failed`);
      expect(halted.halt_reason).toContain("0.3.1");

      // The canary goes back to its previous version and is Ready again.
      await waitFor("canary rolled back", async () => {
        const m = (await listRolloutStores(handle().db, rollout.id)).find(
          (x) => x.store_id === canary.store_id,
        );
        return m?.state === "rolled-back";
      });
      const [back] = await storesById(handle(), [canary.store_id]);
      expect(back).toMatchObject({
        phase: "Ready",
        chart_version: PREVIOUS,
        deployed_chart_version: PREVIOUS,
      });

      // The other nine: still pending, on the old version, never upgraded.
      const others = stores.filter((s) => s.id !== canary.store_id);
      const after = await listRolloutStores(handle().db, rollout.id);
      for (const m of after.filter((x) => x.store_id !== canary.store_id))
        expect(m.state).toBe("pending");
      for (const row of await storesById(
        handle(),
        others.map((s) => s.id),
      )) {
        expect(row).toMatchObject({
          phase: "Ready",
          chart_version: PREVIOUS,
          deployed_chart_version: PREVIOUS,
        });
        expect(sim.stats().completedInstalls.get(`store-${row.name}/store`)).toBe(1);
      }
      // Halted stays halted: a further pass (run here directly, with the
      // driver stopped so it does not hold the lock) only idles.
      await driver.stop();
      const helm = sim.stats().helmCommands;
      const pass = await driveRollouts(handle());
      expect(pass.locked).toBe(true);
      expect(pass.steps.filter((s) => s.rolloutId === rollout.id).map((s) => s.step.kind)).toEqual([
        "idle",
      ]);
      expect((await rolloutRow(handle(), rollout.id)).state).toBe("halted");
      expect(sim.stats().helmCommands).toBe(helm);
    } finally {
      await driver.stop();
      await loop.stop();
    }
  }, 60_000); // ten stores provisioned, then upgraded: slow on a loaded machine

  it("a version that installs but never turns Ready: the canary gets one helm rollback, no further upgrade, and is Ready on its version", async () => {
    const { sim, driver, loop } = start(handle());
    sim.failChartVersionImagePull("woocommerce", NEVER_READY_VERSION, MISSING_IMAGE);
    await loop.start();
    driver.start();
    try {
      const stores = await tenReadyStores(handle());
      const rollout = await rolloutTo(handle(), NEVER_READY_VERSION, 2);
      const halted = await waitFor("rollout halted", async () => {
        const row = await rolloutRow(handle(), rollout.id);
        return row.state === "halted" ? row : undefined;
      });
      const members = await listRolloutStores(handle().db, rollout.id);
      const canary = members.find((m) => m.position === 0)!;
      const canaryStore = stores.find((s) => s.id === canary.store_id)!;
      expect(halted.halted_store_id).toBe(canary.store_id);
      expect(halted.halt_reason).toContain(`not Ready on ${NEVER_READY_VERSION} within 2s`);

      await waitFor("canary rolled back", async () => {
        const m = (await listRolloutStores(handle().db, rollout.id)).find(
          (x) => x.store_id === canary.store_id,
        );
        return m?.state === "rolled-back";
      });
      const [back] = await storesById(handle(), [canary.store_id]);
      expect(back).toMatchObject({
        phase: "Ready",
        chart_version: PREVIOUS,
        deployed_chart_version: PREVIOUS,
        rollback_chart_version: null,
      });
      const key = `store-${canaryStore.name}/store`;
      // The install, the one upgrade to the faulty version, then one helm rollback.
      expect(sim.stats().installsStarted.get(key)).toBe(2);
      expect(sim.stats().rollbacks.get(key)).toBe(1);
      const events = await handle()
        .db.selectFrom("store_events")
        .select(["reason", "message"])
        .where("store_id", "=", canary.store_id)
        .where("reason", "=", "RolledBack")
        .execute();
      expect(events).toHaveLength(1);
      expect(events[0]!.message).toContain(`chart ${PREVIOUS}`);

      // The rolled-back release matches the previous version's digest: a
      // drift check later runs no helm at all.
      const helm = sim.stats().helmCommands;
      await handle()
        .db.updateTable("stores")
        .set({ next_reconcile_at: new Date() })
        .where("id", "=", canary.store_id)
        .execute();
      await waitFor("canary looked at again", async () => {
        const [row] = await storesById(handle(), [canary.store_id]);
        return row!.updated_at.getTime() > back!.updated_at.getTime() ? row : undefined;
      });
      expect(sim.stats().helmCommands).toBe(helm);
      expect(sim.stats().installsStarted.get(key)).toBe(2);

      for (const row of await storesById(
        handle(),
        stores.filter((s) => s.id !== canary.store_id).map((s) => s.id),
      )) {
        expect(row).toMatchObject({ phase: "Ready", deployed_chart_version: PREVIOUS });
        expect(sim.stats().installsStarted.get(`store-${row.name}/store`)).toBe(1);
        expect(sim.stats().rollbacks.get(`store-${row.name}/store`)).toBeUndefined();
      }
    } finally {
      await driver.stop();
      await loop.stop();
    }
  }, 60_000);

  it("Ready but failing its engine health check: halted naming the path and status, then one helm rollback", async () => {
    const { sim, driver, loop } = start(handle());
    sim.failChartVersionHealth(
      "woocommerce",
      UNHEALTHY_VERSION,
      500,
      "Error establishing a database connection",
    );
    await loop.start();
    driver.start();
    try {
      const stores = await tenReadyStores(handle());
      const rollout = await rolloutTo(handle(), UNHEALTHY_VERSION, 2);
      const halted = await waitFor("rollout halted", async () => {
        const row = await rolloutRow(handle(), rollout.id);
        return row.state === "halted" ? row : undefined;
      });
      expect(halted.halt_reason).toBe(
        `Ready on ${UNHEALTHY_VERSION}, but its health check GET /wp-login.php answered 500: Error establishing a database connection (still failing after 2s)`,
      );
      const canary = (await listRolloutStores(handle().db, rollout.id)).find(
        (m) => m.position === 0,
      )!;
      await waitFor("canary rolled back", async () => {
        const m = (await listRolloutStores(handle().db, rollout.id)).find(
          (x) => x.store_id === canary.store_id,
        );
        return m?.state === "rolled-back";
      });
      const name = stores.find((s) => s.id === canary.store_id)!.name;
      expect(sim.stats().rollbacks.get(`store-${name}/store`)).toBe(1);
      expect(sim.stats().installsStarted.get(`store-${name}/store`)).toBe(2);
      expect(sim.stats().calls.checkServiceHealth).toBeGreaterThan(0);
      const [back] = await storesById(handle(), [canary.store_id]);
      expect(back).toMatchObject({ phase: "Ready", deployed_chart_version: PREVIOUS });
    } finally {
      await driver.stop();
      await loop.stop();
    }
  }, 60_000);
});
