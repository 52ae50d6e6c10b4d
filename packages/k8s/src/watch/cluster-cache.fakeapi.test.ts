// Level: the real cluster's watch cache (createKubeCluster with the real
// client-node Watch) against the HTTP-level fake API server, which streams
// watch events, resumes from a resourceVersion, sends bookmarks, answers 410
// for a compacted version and can drop its connections (fake-api-watch.ts).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createKubeCluster, type KubeCluster } from "../kube-cluster.ts";
import { LABELS, STORE_SECRET_NAME } from "../store-contract.ts";
import { FakeApiServer, type RecordedRequest } from "../testing/fake-api-server.ts";
import { createRecordingHelm } from "../testing/recording-helm.ts";

let api: FakeApiServer;
let cluster: KubeCluster;
let changed: string[];

beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  changed = [];
  cluster = createKubeCluster({
    kubeConfig: api.kubeConfig(),
    helm: createRecordingHelm(),
    timeoutMs: 2_000,
  });
  cluster.onStoreChanged?.((id) => changed.push(id));
});
afterEach(() => cluster.close?.());

const isList = (r: RecordedRequest) =>
  r.method === "GET" && r.path !== "/version" && r.query.watch === undefined;
const isWatch = (r: RecordedRequest) => r.method === "GET" && r.query.watch === "true";

function seedStore(i: number) {
  const ns = `store-s${i}`;
  const store = { [LABELS.storeId]: `id-${i}` };
  const managed = { [LABELS.managedBy]: "storeplane" };
  api.put({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: ns, labels: { ...managed, ...store } },
  });
  api.put({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: STORE_SECRET_NAME, namespace: ns, labels: managed },
    data: { "admin-password": "c2VjcmV0" },
  });
  api.put({
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "sh.helm.release.v1.store.v1",
      namespace: ns,
      labels: { owner: "helm", name: "store", status: "deployed", version: "1" },
    },
    data: { release: "H4sIAAAA-payload" },
  });
  api.put({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: ns, labels: store },
    spec: { replicas: 1 },
    status: { readyReplicas: 1 },
  });
  api.put({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "setup", namespace: ns, labels: store },
    status: { active: 1 },
  });
  api.put(runningPod(ns, store));
}

function runningPod(ns: string, labels: Record<string, string>, waiting?: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-0", namespace: ns, labels },
    spec: { containers: [{ name: "web", image: "wordpress:6" }] },
    status: {
      phase: "Running",
      containerStatuses: [
        {
          name: "web",
          image: "wordpress:6",
          imageID: "",
          ready: !waiting,
          restartCount: waiting ? 5 : 0,
          state: waiting
            ? { waiting: { reason: waiting, message: "back-off 5m0s" } }
            : { running: {} },
        },
      ],
    },
  };
}

async function synced() {
  const snap = await cluster.snapshot();
  // Watches open after the lists; wait until all twelve are streaming.
  await vi.waitFor(() => expect(api.objects.openWatches).toHaveLength(12));
  return snap;
}

/** Resolves when the cache reports `storeId` changed. */
function nextChange(storeId: string): Promise<void> {
  return new Promise((resolve) => {
    const off = cluster.onStoreChanged?.((id) => {
      if (id === storeId) {
        off?.();
        resolve();
      }
    });
  });
}

describe("watch cache", () => {
  it("lists each kind once; after the sync a snapshot makes no request at all", async () => {
    for (let i = 0; i < 3; i++) seedStore(i);
    const first = await synced();
    expect(api.count(isList)).toBe(12);
    const watches = api.requests.filter(isWatch);
    expect(watches).toHaveLength(12);
    for (const w of watches) {
      expect(w.query.allowWatchBookmarks).toBe("true");
      expect(w.query.resourceVersion).toMatch(/^\d+$/);
      expect(w.query.labelSelector ?? w.query.fieldSelector).toBeTruthy();
    }
    // Secrets are watched as metadata only, like their lists: no payload travels.
    for (const w of watches.filter((r) => r.path === "/api/v1/secrets"))
      expect(w.headers.accept).toContain("as=PartialObjectMetadata;");

    api.clearRequests();
    const again = await cluster.snapshot();
    expect(api.requests).toHaveLength(0);
    expect([...again.namespaces.keys()].sort()).toEqual([...first.namespaces.keys()].sort());
    expect(again.namespaces.get("store-s1")?.releases[0]?.status).toBe("deployed");
    expect(again.namespaces.get("store-s1")?.secrets).toEqual([STORE_SECRET_NAME]);
  });

  it("a snapshot scoped to a batch's namespaces holds those only, still without a request", async () => {
    for (let i = 0; i < 4; i++) seedStore(i);
    await synced();
    api.clearRequests();
    const snap = await cluster.snapshot({ namespaces: ["store-s1", "store-s3", "store-gone"] });
    expect([...snap.namespaces.keys()].sort()).toEqual(["store-s1", "store-s3"]);
    const s3 = snap.namespaces.get("store-s3");
    expect(s3?.workloads.map((w) => w.name)).toEqual(["web"]);
    expect(s3?.pods.map((p) => p.namespace)).toEqual(["store-s3"]);
    expect(s3?.releases.map((r) => r.namespace)).toEqual(["store-s3"]);
    expect(api.requests).toHaveLength(0);
  });

  const scenarios: {
    what: string;
    change: (ns: string) => void;
    seen: (snap: Awaited<ReturnType<KubeCluster["snapshot"]>>, ns: string) => boolean;
  }[] = [
    {
      what: "a deleted Deployment",
      change: (ns) => api.objects.delete(`apps|deployments|${ns}|web`),
      seen: (snap, ns) => snap.namespaces.get(ns)?.workloads.length === 0,
    },
    {
      what: "a pod going CrashLoopBackOff",
      change: (ns) => api.put(runningPod(ns, { [LABELS.storeId]: "id-1" }, "CrashLoopBackOff")),
      seen: (snap, ns) =>
        snap.namespaces.get(ns)?.pods[0]?.containers[0]?.waitingReason === "CrashLoopBackOff",
    },
    {
      what: "a Job failing",
      change: (ns) =>
        api.put({
          apiVersion: "batch/v1",
          kind: "Job",
          metadata: { name: "setup", namespace: ns, labels: { [LABELS.storeId]: "id-1" } },
          status: {
            failed: 3,
            conditions: [
              {
                type: "Failed",
                status: "True",
                reason: "BackoffLimitExceeded",
                message: "3 tries",
              },
            ],
          },
        }),
      seen: (snap, ns) => snap.namespaces.get(ns)?.jobs[0]?.failedReason === "BackoffLimitExceeded",
    },
    {
      what: "Helm's release Secret turning failed (no store label: found by namespace)",
      change: (ns) =>
        api.put({
          apiVersion: "v1",
          kind: "Secret",
          metadata: {
            name: "sh.helm.release.v1.store.v2",
            namespace: ns,
            labels: { owner: "helm", name: "store", status: "failed", version: "2" },
          },
        }),
      seen: (snap, ns) => snap.namespaces.get(ns)?.releases[0]?.status === "failed",
    },
  ];

  for (const s of scenarios) {
    it(`${s.what} reports that store changed at once, and the next snapshot shows it`, async () => {
      seedStore(1);
      seedStore(2);
      await synced();
      api.clearRequests();
      const reported = nextChange("id-1");
      s.change("store-s1");
      await reported;
      expect(changed).not.toContain("id-2");
      expect(s.seen(await cluster.snapshot(), "store-s1")).toBe(true);
      expect(api.count(isList)).toBe(0);
    });
  }

  it("a dropped watch resumes from the last resourceVersion it saw, without a relist", async () => {
    seedStore(1);
    await synced();
    const before = api.objects.resourceVersion;
    api.clearRequests();
    expect(api.objects.dropWatches()).toBe(12);
    // Written while every stream is down: the resumed watch must replay it.
    api.objects.delete("apps|deployments|store-s1|web");
    const reported = nextChange("id-1");
    await reported;
    await vi.waitFor(() => expect(api.objects.openWatches).toHaveLength(12));
    const resumed = api.requests.filter(isWatch);
    expect(resumed.map((r) => r.query.resourceVersion)).toEqual(resumed.map(() => before));
    expect(api.count(isList)).toBe(0);
    expect((await cluster.snapshot()).namespaces.get("store-s1")?.workloads).toEqual([]);
    expect(cluster.watchStats()?.relists).toBe(0);
  });

  it("410 Gone on resume forces one relist per kind, and the cache converges", async () => {
    seedStore(1);
    seedStore(2);
    await synced();
    api.clearRequests();
    api.objects.dropWatches();
    api.objects.delete("apps|deployments|store-s1|web");
    api.objects.delete("batch|jobs|store-s2|setup");
    // etcd compaction: the versions the watches hold are gone.
    api.objects.compact();
    const one = nextChange("id-1");
    const two = nextChange("id-2");
    await Promise.all([one, two]);
    await vi.waitFor(() => expect(api.objects.openWatches).toHaveLength(12));
    expect(api.count(isList)).toBe(12);
    expect(cluster.watchStats()?.relists).toBe(12);
    const snap = await cluster.snapshot();
    expect(snap.namespaces.get("store-s1")?.workloads).toEqual([]);
    expect(snap.namespaces.get("store-s2")?.jobs).toEqual([]);
    expect(snap.namespaces.get("store-s2")?.workloads).toHaveLength(1);
  });

  it("bookmarks move the resourceVersion on, so a resume after quiet does not replay or expire", async () => {
    seedStore(1);
    await synced();
    // Changes no watch selects (a namespace that is not ours) move the server's version only.
    for (let i = 0; i < 5; i++)
      api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: `other-${i}` } });
    const now = api.objects.resourceVersion;
    expect(api.objects.sendBookmarks()).toBe(12);
    await vi.waitFor(() => expect(cluster.watchStats()?.bookmarks).toBe(12));
    api.clearRequests();
    // Everything the bookmarks skipped over is compacted: resuming from the
    // bookmark's version is fine, resuming from the list's would be a 410.
    api.objects.compact();
    api.objects.dropWatches();
    await vi.waitFor(() => expect(api.objects.openWatches).toHaveLength(12));
    expect(api.requests.filter(isWatch).map((r) => r.query.resourceVersion)).toEqual(
      Array(12).fill(now),
    );
    expect(api.count(isList)).toBe(0);
  });
});
