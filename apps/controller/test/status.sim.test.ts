// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// simulated cluster. The status the controller writes tells the truth while it
// works (Reconciling before helm), when it cannot go on (Stalled), and in the
// severity of the events it records.
import { listStoreEvents, STORE_STATUS_CHANNEL } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { beforeEach, expect, it } from "vitest";
import {
  createStores,
  startController,
  storesById,
  waitFor,
  waitForEventReasons,
  waitForPhase,
} from "./harness.ts";

describeEachDatabase("status written like Flux's", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("Reconciling=True with the step is written and notified before a slow helm install, and gone once Ready", async () => {
    const sim = createSimulatedCluster({ latencies: { ...FAST_LATENCIES, helmInstallMs: 1_500 } });
    const loop = startController(handle(), sim);
    const notified: string[] = [];
    const stop = await handle().listen(STORE_STATUS_CHANNEL, (id) => notified.push(id));
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, { prefix: "slow", engine: "woocommerce" });
      const ns = `store-${store!.name}`;
      const during = await waitFor("helm running and the row saying so", async () => {
        const snap = await sim.connect("observer").snapshot();
        if (snap.namespaces.get(ns)?.releases[0]?.status !== "pending-install") return undefined;
        const [row] = await storesById(handle(), [store!.id]);
        return row?.conditions.some((c) => c.type === "Reconciling") ? row : undefined;
      });
      expect(during.phase).toBe("Provisioning");
      expect(during.conditions.find((c) => c.type === "Reconciling")).toMatchObject({
        status: "True",
        reason: "Installing",
        message: "installing release, revision 1",
      });
      expect(during.conditions.find((c) => c.type === "SecretsReady")?.status).toBe("True");
      // NOTIFY reaches the listener on its own connection, a moment after the
      // row is committed: wait for it rather than race it.
      await waitFor("the store_status notification", async () =>
        notified.includes(store!.id) ? true : undefined,
      );
      // Helm has not finished: the install is still running when this was read.
      expect(sim.stats().completedInstalls.get(`${ns}/store`) ?? 0).toBe(0);

      const [ready] = await waitForPhase(handle(), [store!.id], "Ready");
      const types = ready!.conditions.map((c) => c.type);
      expect(types).not.toContain("Reconciling");
      expect(types).not.toContain("Stalled");
      const events = await listStoreEvents(handle().db, store!.id);
      // A store provisioned without trouble records no Warning.
      expect(events.filter((e) => e.type === "Warning")).toEqual([]);
    } finally {
      await stop();
      await loop.stop();
    }
  });

  it("a terminal error stops progress: Stalled=True with its reason, Ready=False, phase Failed, Warning events", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, { config: { chartsDir: "/nonexistent/charts" } });
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, { prefix: "stall" });
      const [failed] = await waitForPhase(handle(), [store!.id], "Failed", 10_000);
      expect(failed!.conditions.find((c) => c.type === "Stalled")).toMatchObject({
        status: "True",
        reason: "ChartMissing",
      });
      expect(failed!.conditions.find((c) => c.type === "Ready")).toMatchObject({
        status: "False",
        reason: "ChartMissing",
      });
      expect(failed!.conditions.some((c) => c.type === "Reconciling")).toBe(false);
      // The events follow the status write; under load, a moment later.
      const warnings = async () =>
        (await listStoreEvents(handle().db, store!.id))
          .filter((e) => e.type === "Warning")
          .map((e) => e.reason);
      await expect
        .poll(warnings, { timeout: 10_000 })
        .toEqual(expect.arrayContaining(["ChartMissing", "PhaseFailed"]));
    } finally {
      await loop.stop();
    }
  });

  it("retries exhausted (the deadline passed): Stalled=True with the reason; the workload problem was a Warning from the start", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, { config: { provisioningDeadlineMs: 1_500 } });
    await loop.start();
    try {
      const [store] = await createStores(handle(), 1, {
        prefix: "pullstall",
        engine: "woocommerce",
      });
      sim.failImagePull(`store-${store!.name}`, "wordpress:does-not-exist");
      const [failed] = await waitForPhase(handle(), [store!.id], "Failed", 10_000);
      expect(failed!.conditions.find((c) => c.type === "Stalled")).toMatchObject({
        status: "True",
        reason: "ProvisioningDeadlineExceeded",
      });
      expect(failed!.conditions.find((c) => c.type === "Stalled")?.message).toContain(
        "ImagePullBackOff",
      );
      // The events follow the status write (reconcile-store.ts): wait for them.
      await waitForEventReasons(handle(), store!.id, ["ImagePullFailed", "NoWorkloads"]);
      const events = await listStoreEvents(handle().db, store!.id);
      // Never seen True before, yet a problem: the condition says so, not a list of reasons.
      expect(events.find((e) => e.reason === "ImagePullFailed")?.type).toBe("Warning");
      expect(events.find((e) => e.reason === "NoWorkloads")?.type).toBe("Normal");
    } finally {
      await loop.stop();
    }
  });
});
