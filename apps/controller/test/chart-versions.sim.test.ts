// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// SIMULATED cluster (test tool). Chart versions as data (issue 16): a new store
// is assigned the default chart version and records it as deployed; assigning
// another version (as a rollout will) installs exactly that chart, once; a
// version the controller image does not carry fails the store with the reason.
import { notifyStoreChanged } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { sql } from "kysely";
import { afterAll, beforeEach, expect, it } from "vitest";
import { ARCHIVED_VERSION, chartsWithArchive, defaultChartVersion } from "./chart-versions.ts";
import { createStores, startController, storesById, waitFor, waitForPhase } from "./harness.ts";

const charts = chartsWithArchive();
afterAll(() => charts.remove());

describeEachDatabase("chart versions on the simulated cluster", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  /** What a rollout writes for one store: the version it should run, as new desired state. */
  async function assignVersion(id: string, version: string) {
    await handle()
      .db.updateTable("stores")
      .set({
        chart_version: version,
        generation: sql`generation + 1`,
        next_reconcile_at: sql`now()`,
      })
      .where("id", "=", id)
      .execute();
    await notifyStoreChanged(handle().db, id);
  }

  it("assigns the default, installs an assigned archived version exactly once, and records what runs", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, {
      config: { chartsDir: charts.dir, driftIntervalMs: 100 },
    });
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, { engine: "woocommerce" });
      const id = store!.id;
      const release = `store-${store!.name}/store`;
      expect(store!.chart_version).toBeNull();
      const [ready] = await waitForPhase(handle(), [id], "Ready");
      const first = defaultChartVersion("woocommerce");
      expect(ready).toMatchObject({ chart_version: first, deployed_chart_version: first });
      expect(sim.stats().completedInstalls.get(release)).toBe(1);

      await assignVersion(id, ARCHIVED_VERSION);
      const [moved] = await waitFor("the archived version deployed and Ready", async () => {
        const rows = await storesById(handle(), [id]);
        return rows[0]?.deployed_chart_version === ARCHIVED_VERSION && rows[0].phase === "Ready"
          ? rows
          : undefined;
      });
      expect(moved!.chart_version).toBe(ARCHIVED_VERSION);
      expect(sim.stats().completedInstalls.get(release)).toBe(2);
      const helmAfter = sim.stats().helmCommands;
      // Steady again: the assignment stays, no further helm run.
      const snapshots = sim.stats().snapshots;
      await waitFor("two more sweeps", async () => sim.stats().snapshots >= snapshots + 2);
      expect(sim.stats().helmCommands).toBe(helmAfter);
    } finally {
      await loop.stop();
    }
  });

  it("a version the image does not carry fails the store, naming the version, without touching its release", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, { config: { chartsDir: charts.dir } });
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, { engine: "woocommerce" });
      await waitForPhase(handle(), [store!.id], "Ready");
      const helmBefore = sim.stats().helmCommands;
      await assignVersion(store!.id, "9.9.9");
      const [failed] = await waitForPhase(handle(), [store!.id], "Failed");
      expect(failed!.last_error).toContain(
        'chart version 9.9.9 for engine "woocommerce" is not in this controller image',
      );
      expect(failed!.deployed_chart_version).toBe(defaultChartVersion("woocommerce"));
      expect(sim.stats().helmCommands).toBe(helmBefore);
    } finally {
      await loop.stop();
    }
  });
});
