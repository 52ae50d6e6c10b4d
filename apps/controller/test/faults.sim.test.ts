// Level: real database + simulated cluster with faults. Failure handling:
// backoff, the provisioning deadline, stuck releases and namespaces, manual
// retry, terminal errors, graceful shutdown.
import { listStoreEvents, type Store } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { beforeEach, expect, it } from "vitest";
import type { ReconcileReport } from "../src/reconcile/reconcile-store.ts";
import {
  createStores,
  requestDeletion,
  requestRetry,
  startController,
  storesById,
  waitFor,
  waitForPhase,
} from "./harness.ts";

describeEachDatabase("failure handling on the simulated cluster", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("an image that cannot be pulled ends Failed within the deadline, naming the image; a manual retry starts over", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const deadlineMs = 1_500;
    const loop = startController(handle(), sim, { config: { provisioningDeadlineMs: deadlineMs } });
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, { prefix: "pull", engine: "woocommerce" });
      sim.failImagePull(`store-${store!.name}`, "wordpress:does-not-exist");
      const [failed] = await waitForPhase(handle(), [store!.id], "Failed", 10_000);
      expect(failed!.last_error).toContain("ImagePullBackOff");
      expect(failed!.last_error).toContain('image "wordpress:does-not-exist"');
      const took = failed!.updated_at.getTime() - failed!.provisioning_started_at!.getTime();
      expect(took).toBeGreaterThanOrEqual(deadlineMs);
      expect(took).toBeLessThan(deadlineMs + 2_000); // one progress interval, with room for a loaded CI machine
      const workloads = failed!.conditions.find((c) => c.type === "WorkloadsReady");
      expect(workloads).toMatchObject({ status: "False", reason: "ImagePullFailed" });
      const events = await listStoreEvents(handle().db, store!.id);
      expect(events.some((e) => e.reason === "ProvisioningFailed" && e.type === "Warning")).toBe(
        true,
      );

      // Failed stays Failed (no retries) until someone asks.
      const helm = sim.stats().helmCommands;
      await new Promise((r) => setTimeout(r, 200));
      expect((await storesById(handle(), [store!.id]))[0]!.phase).toBe("Failed");

      sim.clearImagePullFailure(`store-${store!.name}`);
      await requestRetry(handle(), store!.id);
      const [ready] = await waitForPhase(handle(), [store!.id], "Ready", 10_000);
      expect(ready!.failure_count).toBe(0);
      expect(ready!.last_error).toBeNull();
      expect(ready!.provisioning_started_at!.getTime()).toBeGreaterThan(
        failed!.provisioning_started_at!.getTime(),
      );
      // The release was already deployed with the same values: the retry needed no helm run.
      expect(sim.stats().helmCommands).toBe(helm);
    } finally {
      await loop.stop();
    }
  });

  it("recovers a release left pending-install by a dead helm process", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const [store] = await createStores(handle(), 1, { prefix: "stuck" });
    const ns = `store-${store!.name}`;
    // A previous controller got as far as starting helm, then died.
    await sim.connect("dead-replica").ensureNamespace({ name: ns, labels: {} });
    sim.strandRelease(ns, "store", "pending-install");
    const loop = startController(handle(), sim);
    await loop.start();
    try {
      await waitForPhase(handle(), [store!.id], "Ready", 10_000);
      const reasons = (await listStoreEvents(handle().db, store!.id)).map((e) => e.reason);
      expect(reasons).toContain("ReleaseUnlocked");
      expect(sim.stats().calls.unlockRelease).toBe(1);
      expect(sim.stats().completedInstalls.get(`${ns}/store`)).toBe(1);
    } finally {
      await loop.stop();
    }
  });

  it("a namespace stuck terminating is reported with what holds it, and the store is marked deleted once it goes", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, { config: { namespaceStuckMs: 300 } });
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, { prefix: "hold", engine: "woocommerce" });
      const ns = `store-${store!.name}`;
      await waitForPhase(handle(), [store!.id], "Ready");
      sim.holdNamespaceTermination(ns);
      await requestDeletion(handle(), [store!.id]);
      const [stuck] = await waitFor("stuck reported", async () => {
        const rows = await storesById(handle(), [store!.id]);
        const c = rows[0]?.conditions.find((x) => x.type === "NamespaceReady");
        return c?.reason === "NamespaceStuckTerminating" ? rows : undefined;
      });
      const message = stuck!.conditions.find((x) => x.type === "NamespaceReady")!.message;
      expect(message).toContain('PersistentVolumeClaim "data-store-mariadb-0"');
      expect(message).toContain("kubernetes.io/pvc-protection");
      expect(stuck!.phase).toBe("Deleting");
      expect(stuck!.deleted_at).toBeNull();
      sim.releaseNamespaceTermination(ns);
      const [gone] = await waitFor("deleted", async () => {
        const rows = await storesById(handle(), [store!.id]);
        return rows[0]?.deleted_at ? rows : undefined;
      });
      expect(gone!.phase).toBe("Deleted");
      expect(sim.namespaceNames()).toEqual([]);
    } finally {
      await loop.stop();
    }
  });

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
      observer: {
        reconcileStarted(store: Store, at: number) {
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
        reconcileFinished(store: Store, report: ReconcileReport) {
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
