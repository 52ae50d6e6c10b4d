// Level: real database + simulated cluster with faults. Failure handling:
// backoff, the provisioning deadline, stuck releases and namespaces, manual
// retry, terminal errors, graceful shutdown.
import type { Store } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { beforeEach, expect, it } from "vitest";
import type { ReconcileReport } from "../src/reconcile/reconcile-store.ts";
import {
  createStores,
  requestDeletion,
  startController,
  storesById,
  waitFor,
  waitForPhase,
} from "./harness.ts";

describeEachDatabase("failure handling on the simulated cluster", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  // An image that cannot be pulled, a release left pending-install and a
  // namespace stuck terminating are scenarios of the shared table
  // (scenarios.ts), run here by lifecycle.sim.test.ts and at the fakeapi level.
  it("a chart that cannot be found is terminal: Failed at once, no retries", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, { config: { chartsDir: "/nonexistent/charts" } });
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, { prefix: "nochart" });
      const [failed] = await waitForPhase(handle(), [store!.id], "Failed", 10_000);
      expect(failed!.last_error).toContain("not readable");
      expect(failed!.failure_count).toBe(1);
      expect(sim.stats().calls.ensureNamespace).toBe(0);
      // Deleting it does not need the chart.
      await requestDeletion(handle(), [store!.id]);
      await waitFor(
        "deleted",
        async () => (await storesById(handle(), [store!.id]))[0]?.deleted_at,
      );
    } finally {
      await loop.stop();
    }
  });

  it("SIGTERM mid-helm: in-flight helm is ended after the grace period, no release left pending, claims released", async () => {
    const sim = createSimulatedCluster({ latencies: { ...FAST_LATENCIES, helmInstallMs: 60_000 } });
    const loop = startController(handle(), sim, { config: { shutdownGraceMs: 200 } });
    await loop.start();
    const [store] = await createStores(handle(), 1, { prefix: "term" });
    const ns = `store-${store!.name}`;
    await waitFor("helm running", async () => {
      const snap = await sim.connect("observer").snapshot();
      return snap.namespaces.get(ns)?.releases[0]?.status === "pending-install";
    });
    await loop.stop();
    const snap = await sim.connect("observer").snapshot();
    expect(snap.namespaces.get(ns)?.releases[0]?.status).toBe("failed");
    const [row] = await storesById(handle(), [store!.id]);
    expect(row!.claimed_by).toBeNull();

    // The next controller installs over the failed release.
    sim.latencies.helmInstallMs = 10;
    const next = startController(handle(), sim, { replicaId: "replica-b" });
    await next.start();
    try {
      await waitForPhase(handle(), [store!.id], "Ready", 10_000);
    } finally {
      await next.stop();
    }
  });
});

describeEachDatabase("convergence under transient faults", ({ handle, kind }) => {
  // The acceptance figure (100) on real Postgres; PGlite, one connection, runs a smaller fleet.
  const fleet = kind === "postgres" ? 100 : 30;
  beforeEach(async () => resetDatabase(handle()));

  it(`${fleet} stores → all Ready, then all deleted, with 20% of cluster calls failing; no retry sooner than its backoff`, async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES, seed: 7 });
    sim.setTransientFaults({ rate: 0.2 });
    const attempts = new Map<string, { start: number; report?: ReconcileReport }[]>();
    const violations: string[] = [];
    let deleting = false;
    const loop = startController(handle(), sim, {
      config: { concurrency: 8, backoffBaseMs: 20, backoffCapMs: 400 },
      hooks: {
        onReconcileStart(store: Store, at: number) {
          const list = attempts.get(store.id) ?? [];
          const previous = list.at(-1)?.report;
          if (
            !deleting &&
            previous?.result.kind === "retry-with-backoff" &&
            previous.nextReconcileAt
          ) {
            if (at < previous.nextReconcileAt.getTime()) {
              violations.push(
                `${store.name}: retried ${previous.nextReconcileAt.getTime() - at}ms early`,
              );
            }
            // The recorded time honours the backoff step (jitter ≥ ½ of it).
            if (store.next_reconcile_at.getTime() < previous.nextReconcileAt.getTime() - 5) {
              violations.push(`${store.name}: next_reconcile_at earlier than the backoff`);
            }
          }
          list.push({ start: at });
          attempts.set(store.id, list);
        },
        onReconcileEnd(store: Store, report: ReconcileReport) {
          const last = attempts.get(store.id)?.at(-1);
          if (last) last.report = report;
        },
      },
    });
    await loop.start();
    try {
      const started = Date.now();
      const stores = await createStores(handle(), fleet, { prefix: "many" });
      const ids = stores.map((s) => s.id);
      await waitForPhase(handle(), ids, "Ready", 60_000);
      const retried = [...attempts.values()].filter((l) =>
        l.some((a) => a.report?.result.kind === "retry-with-backoff"),
      );
      expect(sim.stats().injectedFailures).toBeGreaterThan(20);
      expect(retried.length).toBeGreaterThan(5);
      expect(violations).toEqual([]);
      for (const [key, n] of sim.stats().completedInstalls) expect(n, key).toBe(1);

      console.info(
        `${fleet} stores Ready in ${Date.now() - started} ms (${sim.stats().injectedFailures} injected failures)`,
      );
      deleting = true;
      await requestDeletion(handle(), ids);
      await waitFor(
        "all deleted",
        async () => {
          const rows = await storesById(handle(), ids);
          return rows.every((r) => r.deleted_at !== null && r.phase === "Deleted");
        },
        60_000,
      );
      expect(sim.namespaceNames()).toEqual([]);
      expect(sim.releaseCount()).toBe(0);
      expect(sim.stats().overlaps).toEqual([]);
    } finally {
      await loop.stop();
    }
  }, 90_000);
});
