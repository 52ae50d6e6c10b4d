// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// the real cluster implementation (createKubeCluster, its watch cache and
// client-node) against the HTTP-level fake API server; helm is a recorder.
// The controller loop is the real one. Ready stores are seeded as a real
// cluster holds them (ready-store-objects.ts), so only the watch can wake
// them: the sweep and the drift check are set an hour away.
import type { Store } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createKubeCluster, type KubeCluster } from "@storeplane/k8s";
import { createRecordingHelm, FakeApiServer, type RecordedRequest } from "@storeplane/k8s/testing";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { ChartCatalog, desiredStore } from "../src/desired.ts";
import { ControllerLoop } from "../src/loop.ts";
import { createStores, silentLogger, testConfig, waitForPhase } from "./harness.ts";
import { readyStoreObjects } from "./ready-store-objects.ts";

type Seeded = Parameters<FakeApiServer["put"]>[0];

const isList = (r: RecordedRequest) =>
  r.method === "GET" && r.path !== "/version" && r.query.watch === undefined;

let api: FakeApiServer;
beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(() => api.close());

describeEachDatabase("the watch cache wakes the store whose objects changed", ({ handle }) => {
  let cluster: KubeCluster;
  let loop: ControllerLoop;
  let started: { storeId: string; at: number }[];
  let helm: ReturnType<typeof createRecordingHelm>;

  beforeEach(async () => {
    await resetDatabase(handle());
    api.reset();
    started = [];
    helm = createRecordingHelm();
    cluster = createKubeCluster({ kubeConfig: api.kubeConfig(), helm, timeoutMs: 2_000 });
  });
  afterEach(async () => {
    await loop?.stop();
    await cluster.close?.();
  });

  async function readyFleet(n: number): Promise<Store[]> {
    // Never woken by time: only a NOTIFY (creation) or the cluster can.
    const config = testConfig({ sweepIntervalMs: 3_600_000, driftIntervalMs: 3_600_000 });
    const charts = new ChartCatalog(config.chartsDir, config.valuesProfile);
    const stores = await createStores(handle(), n, { engine: "woocommerce" });
    for (const s of stores)
      for (const o of readyStoreObjects(desiredStore(s, config, charts), s.id)) api.put(o);
    loop = new ControllerLoop({
      handle: handle(),
      cluster,
      config,
      charts,
      replicaId: "replica-a",
      logger: silentLogger,
      observers: [{ reconcileStarted: (s, at) => void started.push({ storeId: s.id, at }) }],
    });
    await loop.start();
    await waitForPhase(
      handle(),
      stores.map((s) => s.id),
      "Ready",
    );
    // Seeded as Ready and in step: reaching Ready needed no action at all.
    expect(helm.calls).toEqual([]);
    return stores;
  }

  function reconcileOf(storeId: string): Promise<number> {
    return new Promise((resolve) => {
      const seen = started.length;
      const timer = setInterval(() => {
        const hit = started.slice(seen).find((s) => s.storeId === storeId);
        if (hit) {
          clearInterval(timer);
          resolve(hit.at);
        }
      }, 5);
    });
  }

  it("a deleted Deployment: that store's reconcile starts at once, without a cluster-wide list, and reinstalls its release; no other store's", async () => {
    const [a, b] = await readyFleet(2);
    api.clearRequests();
    started.length = 0;
    const next = reconcileOf(a!.id);
    const deletedAt = Date.now();
    api.objects.delete(`apps|deployments|store-${a!.name}|store-wordpress`);
    const at = await next;
    // Event-driven: far below the hour-long sweep and drift intervals.
    expect(at - deletedAt).toBeLessThan(10_000);
    expect(started.map((s) => s.storeId)).not.toContain(b!.id);
    // The reinstall that brings the Deployment back (recorded, not run, here).
    await vi.waitFor(() => expect(helm.calls.map((c) => c.method)).toContain("upgradeInstall"));
    // Reads after that write go to the API server for that namespace only
    // (read-your-own-writes); nothing is listed cluster-wide.
    const lists = api.requests.filter(isList);
    expect(lists.every((r) => r.path.includes(`/namespaces/store-${a!.name}/`))).toBe(true);
  });

  it("a pod going CrashLoopBackOff and a Job failing each wake only their own store", async () => {
    const [a, b, c] = await readyFleet(3);
    started.length = 0;
    const podChange = reconcileOf(a!.id);
    const pod = api.objects.get(`|pods|store-${a!.name}|store-mariadb-0`) as unknown as Seeded & {
      status: { containerStatuses: Record<string, unknown>[] };
    };
    api.put({
      ...pod,
      status: {
        phase: "Running",
        containerStatuses: [
          {
            ...pod.status.containerStatuses[0],
            ready: false,
            restartCount: 6,
            state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s" } },
          },
        ],
      },
    });
    await podChange;
    const jobChange = reconcileOf(b!.id);
    const job = api.objects.get(`batch|jobs|store-${b!.name}|setup`) as unknown as Seeded;
    api.put({
      ...job,
      status: {
        failed: 3,
        conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }],
      },
    });
    await jobChange;
    expect(started.map((s) => s.storeId)).not.toContain(c!.id);
  });
});
