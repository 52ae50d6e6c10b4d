// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// SIMULATED cluster (test tool). Suspend and resume (issue 16) through the
// real controller loop: suspend → one helm upgrade → every workload of the
// store at zero, volumes and Secret kept, the paused page up → Suspended;
// resume → one more upgrade → Ready again.
import { listStoreEvents, notifyStoreChanged, setStoreSuspended } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { beforeEach, expect, it } from "vitest";
import { createStores, startController, storesById, waitFor, waitForPhase } from "./harness.ts";

describeEachDatabase("suspend and resume on the simulated cluster", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  /** What stores.suspend / stores.resume write: the repository call and the wake-up. */
  async function setSuspended(id: string, suspended: boolean) {
    const updated = await setStoreSuspended(handle().db, id, suspended);
    expect(updated?.suspended).toBe(suspended);
    await notifyStoreChanged(handle().db, id);
  }

  it.each(["woocommerce", "medusa"] as const)(
    "%s: suspended scales to zero keeping data, serves the paused page, and resumes to Ready",
    async (engine) => {
      const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
      const loop = startController(handle(), sim);
      await loop.start();
      try {
        const [store] = await createStores(handle(), 1, { engine });
        const id = store!.id;
        const namespace = `store-${store!.name}`;
        await waitForPhase(handle(), [id], "Ready");
        const secretBefore = sim.peekSecret(namespace, "store-credentials");
        const pvcs = () =>
          sim
            .list("PersistentVolumeClaim", { namespace })
            .map((p) => p.metadata.name)
            .sort();
        const pvcsBefore = pvcs();
        expect(pvcsBefore.length).toBeGreaterThan(0);
        const installs = () => sim.stats().completedInstalls.get(`${namespace}/store`);
        expect(installs()).toBe(1);

        await setSuspended(id, true);
        const [suspended] = await waitForPhase(handle(), [id], "Suspended");
        const workloads = ["Deployment", "StatefulSet"].flatMap((kind) =>
          sim.list(kind, { namespace }),
        );
        const replicas = Object.fromEntries(
          workloads.map((w) => [w.metadata.name, w.spec.replicas as number]),
        );
        expect(replicas["store-paused"]).toBe(1);
        const own = Object.entries(replicas).filter(([name]) => name !== "store-paused");
        expect(own.length).toBeGreaterThanOrEqual(2);
        expect(own.every(([, n]) => n === 0)).toBe(true);
        // Only the paused page's pod runs; no setup Job on a store with its databases down.
        const pods = sim.list("Pod", { namespace }).map((p) => p.metadata.name);
        expect(pods.every((name) => name.startsWith("store-paused-"))).toBe(true);
        expect(sim.list("Job", { namespace })).toEqual([]);
        // Volumes and the credentials Secret are untouched.
        expect(pvcs()).toEqual(pvcsBefore);
        expect(sim.peekSecret(namespace, "store-credentials")).toEqual(secretBefore);
        expect(installs()).toBe(2);
        const byType = Object.fromEntries(suspended!.conditions.map((c) => [c.type, c]));
        expect(byType.Suspended).toMatchObject({ status: "True", reason: "Suspended" });
        expect(byType.Ready).toMatchObject({ status: "False", reason: "Suspended" });
        expect(byType.WorkloadsReady).toMatchObject({ status: "True", reason: "ScaledToZero" });
        expect(byType.Reconciling).toBeUndefined();
        expect(suspended!.observed_generation).toBe(suspended!.generation);

        await setSuspended(id, false);
        const [resumed] = await waitForPhase(handle(), [id], "Ready");
        expect(resumed!.conditions.some((c) => c.type === "Suspended")).toBe(false);
        expect(sim.list("Deployment", { namespace }).map((d) => d.metadata.name)).not.toContain(
          "store-paused",
        );
        expect(pvcs()).toEqual(pvcsBefore);
        expect(sim.peekSecret(namespace, "store-credentials")).toEqual(secretBefore);
        expect(installs()).toBe(3);
        // mark-ready's own event, once at first and once after the resume. The
        // Ready pass writes its events after its status: wait for the second.
        const events = await waitFor("the second mark-ready event", async () => {
          const all = await listStoreEvents(handle().db, id);
          return all.filter((e) => e.message.startsWith("store is ready at")).length >= 2
            ? all
            : undefined;
        });
        expect(events.map((e) => e.reason)).toContain("PhaseSuspended");
        expect(events.filter((e) => e.message.startsWith("store is ready at"))).toHaveLength(2);
      } finally {
        await loop.stop();
      }
    },
  );

  it("a suspended store stays put on drift checks: no helm run, no rewrite", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, { config: { driftIntervalMs: 100 } });
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1);
      await waitForPhase(handle(), [store!.id], "Ready");
      await setSuspended(store!.id, true);
      const [before] = await waitForPhase(handle(), [store!.id], "Suspended");
      const helmBefore = sim.stats().helmCommands;
      const snapshotsBefore = sim.stats().snapshots;
      await waitFor(
        "two more drift sweeps",
        async () => sim.stats().snapshots >= snapshotsBefore + 2,
      );
      expect(sim.stats().helmCommands).toBe(helmBefore);
      const [after] = await storesById(handle(), [store!.id]);
      expect(after!.phase).toBe("Suspended");
      expect(after!.conditions).toEqual(before!.conditions);
    } finally {
      await loop.stop();
    }
  });
});
