// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// simulated cluster. Whole store lifecycles through the real controller loop:
// the [table] scenarios are shared with lifecycle.fakeapi.test.ts
// (scenarios.ts); the others check what only the simulator can count.
import { listStoreEvents } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import {
  createSimulatedCluster,
  FAST_LATENCIES,
  type SimulatedCluster,
} from "@storeplane/k8s/simulated";
import { beforeEach, expect, it } from "vitest";
import {
  createStores,
  requestDeletion,
  startController,
  storesById,
  waitFor,
  waitForEventReasons,
  waitForPhase,
} from "./harness.ts";
import { SCENARIOS, type ScenarioCluster } from "./scenarios.ts";

function scenarioCluster(sim: SimulatedCluster): ScenarioCluster {
  return {
    connect: (id) => sim.connect(id),
    crash: (id) => sim.crash(id),
    failImagePull: (ns, image) => sim.failImagePull(ns, image),
    clearImagePullFailure: (ns) => sim.clearImagePullFailure(ns),
    strandRelease: (ns, release, status) => sim.strandRelease(ns, release, status),
    deleteObjectBehindTheBack: (ns, kind, name) => sim.deleteObjectBehindTheBack(ns, kind, name),
    holdNamespaceTermination: (ns) => sim.holdNamespaceTermination(ns),
    releaseNamespaceTermination: (ns) => sim.releaseNamespaceTermination(ns),
    namespaceNames: () => sim.namespaceNames(),
    releaseLabels: (ns) =>
      sim
        .list("Secret", { namespace: ns, labelSelector: "owner=helm" })
        .map((s) => s.metadata.labels ?? {}),
    helmCommands: () => sim.stats().helmCommands,
    completedInstalls: (key) => sim.stats().completedInstalls.get(key) ?? 0,
  };
}

describeEachDatabase("store lifecycle on the simulated cluster", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("provisions a store to Ready with every condition True, then deletes it without a trace", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim);
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, { engine: "woocommerce" });
      const [ready] = await waitForPhase(handle(), [store!.id], "Ready");
      expect(ready!.conditions.map((c) => [c.type, c.status])).toEqual([
        ["NamespaceReady", "True"],
        ["GuardrailsReady", "True"],
        ["SecretsReady", "True"],
        ["ReleaseReady", "True"],
        ["WorkloadsReady", "True"],
        ["Ready", "True"],
      ]);
      expect(ready!.store_url).toBe(`http://${store!.name}.localhost`);
      expect(ready!.ready_at).not.toBeNull();
      expect(ready!.observed_generation).toBe(ready!.generation);
      expect(ready!.failure_count).toBe(0);
      const secret = sim.peekSecret(`store-${store!.name}`, "store-credentials");
      expect(Object.keys(secret ?? {}).sort()).toEqual([
        "admin-email",
        "admin-password",
        "admin-username",
        "cookie-secret",
        "database-password",
        "database-root-password",
        "jwt-secret",
      ]);
      // No credential reaches Postgres.
      const rowText = JSON.stringify(await storesById(handle(), [store!.id]));
      const eventsText = JSON.stringify(await listStoreEvents(handle().db, store!.id));
      for (const value of Object.values(secret ?? {}).filter((v) => v.length > 20)) {
        expect(rowText).not.toContain(value);
        expect(eventsText).not.toContain(value);
      }
      await waitForEventReasons(handle(), store!.id, [
        "NamespaceCreated",
        "GuardrailsApplied",
        "SecretsCreated",
        "ReleaseInstalled",
        "StoreReady",
        "PhaseReady",
      ]);
      const events = await listStoreEvents(handle().db, store!.id);
      expect(events.every((e) => e.actor === "controller:replica-a")).toBe(true);

      await requestDeletion(handle(), [store!.id]);
      const [gone] = await waitFor("store deleted", async () => {
        const rows = await storesById(handle(), [store!.id]);
        return rows[0]?.deleted_at ? rows : undefined;
      });
      expect(gone!.phase).toBe("Deleted");
      expect(sim.namespaceNames()).toEqual([]);
      expect(sim.stats().completedInstalls.get(`store-${store!.name}/store`)).toBe(1);
    } finally {
      await loop.stop();
    }
  });

  it("a steady Ready store costs no helm run and is not rewritten on a drift check", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, { config: { driftIntervalMs: 100 } });
    await loop.start();
    try {
      const stores = await createStores(handle(), 3);
      const ids = stores.map((s) => s.id);
      const before = await waitForPhase(handle(), ids, "Ready");
      const helmBefore = sim.stats().helmCommands;
      const snapshotsBefore = sim.stats().snapshots;
      await waitFor(
        "two more drift sweeps",
        async () => sim.stats().snapshots >= snapshotsBefore + 2,
      );
      expect(sim.stats().helmCommands).toBe(helmBefore);
      const after = await storesById(handle(), ids);
      for (const s of after) {
        const b = before.find((x) => x.id === s.id)!;
        expect(s.conditions.map((c) => c.lastTransitionTime)).toEqual(
          b.conditions.map((c) => c.lastTransitionTime),
        );
      }
    } finally {
      await loop.stop();
    }
  });

  // The lifecycle scenarios shared with lifecycle.fakeapi.test.ts (one table, two levels).
  for (const scenario of SCENARIOS) {
    it(`[table] ${scenario.name}`, async () => {
      const sim = createSimulatedCluster({
        latencies: {
          ...FAST_LATENCIES,
          helmInstallMs: scenario.helmInstallMs ?? FAST_LATENCIES.helmInstallMs,
        },
      });
      await scenario.run({ handle: handle(), cluster: scenarioCluster(sim) });
    }, 30_000);
  }
});
