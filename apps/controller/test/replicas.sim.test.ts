// Level: real database + simulated cluster. Two controller replicas on one
// database and one cluster share the work and never act on one store at once.
import type { Store } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { beforeEach, expect, it } from "vitest";
import {
  createStores,
  requestDeletion,
  startController,
  storesById,
  waitFor,
  waitForPhase,
} from "./harness.ts";

describeEachDatabase("two controller replicas", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("share the work and never reconcile one store at the same time", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES, seed: 3 });
    sim.setTransientFaults({ rate: 0.1 });
    // Controller-level tracker: which replica is inside a reconcile of which store.
    const holder = new Map<string, string>();
    const clashes: string[] = [];
    const perReplica = new Map<string, number>();
    const tracker = (replica: string) => ({
      reconcileStarted(store: Store) {
        const other = holder.get(store.id);
        if (other)
          clashes.push(`${store.name}: ${replica} started while ${other} was reconciling it`);
        holder.set(store.id, replica);
        perReplica.set(replica, (perReplica.get(replica) ?? 0) + 1);
      },
      reconcileFinished(store: Store) {
        holder.delete(store.id);
      },
    });
    // Small batches so both replicas keep claiming.
    const config = { concurrency: 3, claimBatch: 6 };
    const a = startController(handle(), sim, {
      replicaId: "replica-a",
      config,
      observer: tracker("replica-a"),
    });
    const b = startController(handle(), sim, {
      replicaId: "replica-b",
      config,
      observer: tracker("replica-b"),
    });
    await Promise.all([a.start(), b.start()]);
    try {
      const stores = await createStores(handle(), 40, { prefix: "rep" });
      const ids = stores.map((s) => s.id);
      await waitForPhase(handle(), ids, "Ready", 60_000);
      await requestDeletion(handle(), ids);
      await waitFor(
        "all deleted",
        async () => (await storesById(handle(), ids)).every((r) => r.deleted_at !== null),
        60_000,
      );
      expect(clashes).toEqual([]);
      // The cluster-side tracker (keyed by namespace) saw no overlapping calls either.
      expect(sim.stats().overlaps).toEqual([]);
      const acted = sim.stats().actedOnBy;
      expect(acted.get("replica-a")?.size ?? 0).toBeGreaterThan(5);
      expect(acted.get("replica-b")?.size ?? 0).toBeGreaterThan(5);
      expect(perReplica.get("replica-a")).toBeGreaterThan(0);
      expect(perReplica.get("replica-b")).toBeGreaterThan(0);
      for (const [key, n] of sim.stats().completedInstalls) expect(n, key).toBe(1);
      expect(sim.namespaceNames()).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 90_000);

  it("a replica that loses a store's claim ends its helm for that store and writes nothing", async () => {
    const sim = createSimulatedCluster({ latencies: { ...FAST_LATENCIES, helmInstallMs: 30_000 } });
    const a = startController(handle(), sim, {
      replicaId: "replica-a",
      config: { claimTtlSeconds: 1 },
    });
    await a.start();
    try {
      const [store] = await createStores(handle(), 1, { prefix: "lost" });
      const ns = `store-${store!.name}`;
      await waitFor("helm running", async () => {
        const snap = await sim.connect("observer").snapshot();
        return snap.namespaces.get(ns)?.releases[0]?.status === "pending-install";
      });
      // Another replica took the store over (say, after a long DB partition).
      await handle()
        .db.updateTable("stores")
        .set({ claimed_by: "replica-z" })
        .where("id", "=", store!.id)
        .execute();
      await waitFor("helm ended", async () => {
        const snap = await sim.connect("observer").snapshot();
        return snap.namespaces.get(ns)?.releases[0]?.status === "failed";
      });
      await waitFor("reconcile ended", async () => a.depth === 0);
      const [row] = await storesById(handle(), [store!.id]);
      // Only the progress written before helm started (Reconciling) is there:
      // nothing after the claim was lost.
      expect(row).toMatchObject({
        claimed_by: "replica-z",
        phase: "Provisioning",
        observed_generation: 0,
      });
      expect(row?.conditions.find((c) => c.type === "Reconciling")).toMatchObject({
        status: "True",
        message: "installing release, revision 1",
      });
    } finally {
      await a.stop();
    }
  });
});
