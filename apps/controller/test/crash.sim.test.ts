// Level: real database + simulated cluster. An in-process stand-in for SIGKILL
// (sigkill.cli.test.ts kills a real process): the controller is "killed" at
// random moments while provisioning 50 stores: the harness cuts it off from
// the database (no further statement runs, no claim released — they expire)
// and crashes its cluster connection, so whatever it had in flight never
// finishes (a helm install stays pending-install). A new replica takes over.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES, seededRandom } from "@storeplane/k8s/simulated";
import { beforeEach, expect, it } from "vitest";
import {
  createStores,
  requestDeletion,
  startKillableController,
  storesById,
  type TestController,
  waitFor,
} from "./harness.ts";

describeEachDatabase("controller killed at random moments", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("50 provisions and deletions survive repeated in-process kills (database cut off, in-flight calls never return): all converge, no release installed twice, no namespace leaked", async () => {
    const random = seededRandom(Number(process.env.CRASH_SEED ?? 11));
    // Slow enough helm that kills land mid-install.
    const sim = createSimulatedCluster({
      latencies: { ...FAST_LATENCIES, helmInstallMs: 60, helmUninstallMs: 30 },
    });
    const config = { claimTtlSeconds: 1, concurrency: 6 };
    let generation = 0;
    let controller: TestController = startKillableController(handle(), sim, {
      replicaId: `ctrl-${generation}`,
      config,
    });
    await controller.loop.start();
    const kill = async () => {
      await new Promise((r) => setTimeout(r, 50 + random() * 400));
      controller.kill();
      sim.crash(`ctrl-${generation}`);
      generation += 1;
      // A restarted process has a new identity (hostname+pid).
      controller = startKillableController(handle(), sim, {
        replicaId: `ctrl-${generation}`,
        config,
      });
      await controller.loop.start();
    };
    try {
      const stores = await createStores(handle(), 50, { prefix: "kill" });
      const ids = stores.map((s) => s.id);
      for (let i = 0; i < 4; i++) await kill();
      await waitFor(
        "all Ready after the kills",
        async () => (await storesById(handle(), ids)).every((r) => r.phase === "Ready"),
        60_000,
      );
      expect(sim.namespaceNames()).toHaveLength(50);
      for (const [key, n] of sim.stats().completedInstalls) expect(n, key).toBe(1);
      expect(sim.stats().completedInstalls.size).toBe(50);

      await requestDeletion(handle(), ids);
      for (let i = 0; i < 2; i++) await kill();
      await waitFor(
        "all deleted after the kills",
        async () =>
          (await storesById(handle(), ids)).every(
            (r) => r.deleted_at !== null && r.phase === "Deleted",
          ),
        60_000,
      );
      expect(sim.namespaceNames()).toEqual([]);
      expect(sim.releaseCount()).toBe(0);
      expect(generation).toBe(6);
    } finally {
      await controller.loop.stop();
    }
  }, 120_000);
});
