// Level: createKubeCluster / createClusterReader with the real client-node
// against the HTTP-level fake API server; helm replaced by a recorder (the
// helm wrapper has its own tests with the real binary).
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClusterReader } from "./cluster-reader.ts";
import { buildGuardrails, expectedGuardrails } from "./guardrails.ts";
import { createKubeCluster } from "./kube-cluster.ts";
import { FIELD_MANAGER, LABELS, STORE_SECRET_NAME } from "./store-contract.ts";
import { FakeApiServer } from "./testing/fake-api-server.ts";
import { createRecordingHelm } from "./testing/recording-helm.ts";

let api: FakeApiServer;
beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const managed = { [LABELS.managedBy]: "storeplane" };

function helmSecret(ns: string, version: number, status: string, digest?: string) {
  api.put({
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: `sh.helm.release.v1.store.v${version}`,
      namespace: ns,
      labels: {
        owner: "helm",
        name: "store",
        status,
        version: String(version),
        ...(digest ? { [LABELS.valuesDigest]: digest } : {}),
      },
    },
    type: "helm.sh/release.v1",
    data: { release: "H4sIAAAA-not-for-the-controller" },
  });
}

/** One store namespace with a bit of everything the snapshot reads. */
function seedStore(i: number) {
  const ns = `store-s${i}`;
  const storeLabel = { [LABELS.storeId]: `id-${i}` };
  api.put({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: ns, labels: { ...managed, ...storeLabel } },
  });
  for (const o of buildGuardrails({
    namespace: ns,
    limits: { cpu: "1", memory: "1Gi", storage: "2Gi", pods: 10, pvcs: 2 },
    ingressNamespace: "traefik",
  })) {
    api.put(o);
  }
  api.put({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: STORE_SECRET_NAME, namespace: ns, labels: managed },
    data: { "admin-password": "c2VjcmV0" },
  });
  helmSecret(ns, 1, "superseded", "d1");
  helmSecret(ns, 2, "deployed", "d2");
  api.put({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: ns, labels: storeLabel },
    spec: { replicas: 1 },
    status: { readyReplicas: 1 },
  });
  api.put({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db", namespace: ns, labels: storeLabel },
    spec: { replicas: 1 },
    status: { readyReplicas: 0 },
  });
  api.put({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "setup", namespace: ns, labels: storeLabel },
    status: { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] },
  });
  api.put({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "db-0",
      namespace: ns,
      labels: storeLabel,
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "StatefulSet", name: "db", uid: "u", controller: true },
      ],
    },
    spec: { containers: [{ name: "mariadb", image: "mariadb:11.4-nope" }] },
    status: {
      phase: "Pending",
      containerStatuses: [
        {
          name: "mariadb",
          image: "mariadb:11.4-nope",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } },
        },
      ],
    },
  });
  api.put({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "data-db-0", namespace: ns, labels: storeLabel },
    status: { phase: "Bound" },
  });
  api.put({
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `ev-${i}`, namespace: ns },
    type: "Warning",
    reason: "FailedMount",
    message: "MountVolume.SetUp failed",
    involvedObject: { kind: "Pod", name: "db-0", namespace: ns },
    lastTimestamp: "2026-11-23T01:00:00Z",
  });
}

function seedForeignNoise() {
  // Things a snapshot must ignore: unmanaged namespaces and their Helm releases.
  api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } });
  api.put({
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "sh.helm.release.v1.traefik.v1",
      namespace: "kube-system",
      labels: { owner: "helm", name: "traefik", status: "deployed", version: "1" },
    },
  });
  api.put({
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "other", namespace: "kube-system" },
    type: "Warning",
    reason: "FailedMount",
    message: "not ours",
    involvedObject: { kind: "Pod", name: "x" },
  });
}

function cluster() {
  const helm = createRecordingHelm();
  return {
    helm,
    // Without the watch cache: these tests are about the list calls themselves.
    cluster: createKubeCluster({
      kubeConfig: api.kubeConfig(),
      helm,
      timeoutMs: 2_000,
      watchCache: false,
    }),
  };
}

describe("snapshot", () => {
  it("turns the label-selected lists into per-namespace state, ignoring what is not ours", async () => {
    seedStore(1);
    seedForeignNoise();
    const snap = await cluster().cluster.snapshot();
    expect([...snap.namespaces.keys()]).toEqual(["store-s1"]);
    const ns = snap.namespaces.get("store-s1");
    expect(ns?.storeId).toBe("id-1");
    expect(ns?.phase).toBe("Active");
    expect(Object.keys(ns?.guardrails ?? {}).sort()).toEqual([
      "LimitRange/storeplane-limits",
      "NetworkPolicy/allow-dns",
      "NetworkPolicy/allow-ingress-controller",
      "NetworkPolicy/allow-internet-egress",
      "NetworkPolicy/allow-same-namespace",
      "NetworkPolicy/default-deny",
      "ResourceQuota/storeplane-quota",
    ]);
    expect(
      Object.values(ns?.guardrails ?? {}).every((d) => typeof d === "string" && d.length === 16),
    ).toBe(true);
    expect(ns?.secrets).toEqual([STORE_SECRET_NAME]);
    expect(ns?.releases).toEqual([
      { name: "store", namespace: "store-s1", revision: 2, status: "deployed", valuesDigest: "d2" },
    ]);
    expect(ns?.workloads).toEqual([
      {
        kind: "Deployment",
        name: "web",
        namespace: "store-s1",
        desiredReplicas: 1,
        readyReplicas: 1,
      },
      {
        kind: "StatefulSet",
        name: "db",
        namespace: "store-s1",
        desiredReplicas: 1,
        readyReplicas: 0,
      },
    ]);
    expect(ns?.jobs[0]).toMatchObject({ name: "setup", complete: true, failedReason: null });
    expect(ns?.pods[0]).toMatchObject({ name: "db-0", owner: "db", phase: "Pending" });
    expect(ns?.pods[0]?.containers[0]).toMatchObject({
      image: "mariadb:11.4-nope",
      waitingReason: "ImagePullBackOff",
    });
    expect(ns?.pvcs).toEqual([
      { name: "data-db-0", namespace: "store-s1", phase: "Bound", finalizers: [] },
    ]);
    expect(ns?.events.map((e) => e.message)).toEqual(["MountVolume.SetUp failed"]);
  });

  it("never downloads Secret payloads: both Secret lists ask for metadata only", async () => {
    seedStore(1);
    await cluster().cluster.snapshot();
    const secretLists = api.requests.filter((r) => r.path === "/api/v1/secrets");
    expect(secretLists.map((r) => r.query.labelSelector).sort()).toEqual([
      "app.kubernetes.io/managed-by=storeplane",
      "owner=helm",
    ]);
    for (const r of secretLists) expect(r.headers.accept).toContain("as=PartialObjectMetadataList");
  });

  it("costs the same 12 cluster-wide list requests for 2 stores and for 50", async () => {
    const { cluster: c } = cluster();
    const requestsFor = async (stores: number) => {
      api.reset();
      for (let i = 0; i < stores; i++) seedStore(i);
      const snap = await c.snapshot();
      expect(snap.namespaces.size).toBe(stores);
      return api.requests.map((r) => `${r.method} ${r.path}`).sort();
    };
    const two = await requestsFor(2);
    const fifty = await requestsFor(50);
    expect(two).toHaveLength(12);
    expect(fifty).toEqual(two);
    // None of them is namespaced: the cost cannot depend on the store count.
    expect(two.every((r) => r.startsWith("GET ") && !r.includes("/namespaces/"))).toBe(true);
  });
});

describe("mutations", () => {
  it("ensureSecret calls generate, creates once, and reports created:false afterwards without overwriting", async () => {
    const { cluster: c } = cluster();
    await c.ensureNamespace({ name: "store-a", labels: {} });
    expect(
      await c.ensureSecret("store-a", STORE_SECRET_NAME, {}, () => ({ "admin-password": "one" })),
    ).toEqual({ created: true });
    expect(
      await c.ensureSecret("store-a", STORE_SECRET_NAME, {}, () => ({ "admin-password": "two" })),
    ).toEqual({ created: false });
    expect(await c.readSecret("store-a", STORE_SECRET_NAME)).toEqual({ "admin-password": "one" });
  });

  it("applyObjects refuses an object that names another namespace", async () => {
    const { cluster: c } = cluster();
    const [quota] = buildGuardrails({
      namespace: "store-b",
      limits: { cpu: "1", memory: "1Gi", storage: "1Gi", pods: 1, pvcs: 1 },
      ingressNamespace: "traefik",
    });
    await expect(c.applyObjects("store-a", quota ? [quota] : [])).rejects.toThrow(
      /belongs to store-b/,
    );
    expect(api.requests).toHaveLength(0);
  });

  it("installRelease and uninstallRelease go to helm with the call's abort signal", async () => {
    const { cluster: c, helm } = cluster();
    const ac = new AbortController();
    const spec = {
      namespace: "store-a",
      release: "store",
      chart: "/charts/woocommerce",
      valuesFiles: [],
      values: {},
      valuesDigest: "abc",
      timeoutSeconds: 60,
    };
    await c.installRelease(spec, { signal: ac.signal });
    await c.uninstallRelease("store-a", "store");
    expect(helm.calls.map((x) => x.method)).toEqual(["upgradeInstall", "uninstall"]);
    expect(helm.calls[0]?.args[1]).toMatchObject({ signal: ac.signal });
  });
});

describe("a backup's objects", () => {
  // The shapes apps/controller/src/backups/job-spec.ts builds, trimmed to what
  // the API server checks here (kind, name, namespace, labels).
  const job = (name: string) => ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels: { ...managed, "app.kubernetes.io/component": "backup" } },
    spec: {
      backoffLimit: 0,
      template: {
        spec: { restartPolicy: "Never", containers: [{ name: "backup", image: "backup:1" }] },
      },
    },
  });
  const target = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "storeplane-backup-target", labels: managed },
    type: "Opaque",
    // As buildBackupTargetSecret writes it; the API server folds stringData into data.
    stringData: { "access-key-id": "AKID" },
  };

  it("applies the Job and the target Secret by server-side apply, and readJob follows the Job's conditions", async () => {
    const { cluster: c } = cluster();
    await c.ensureNamespace({ name: "store-a", labels: {} });
    await c.applyObjects("store-a", [target, job("backup-1-1")]);
    const applies = api.requests.filter((r) => r.method === "PATCH");
    expect(applies.map((r) => r.headers["content-type"])).toEqual([
      "application/apply-patch+yaml",
      "application/apply-patch+yaml",
    ]);
    expect(applies.map((r) => r.query.fieldManager)).toEqual([FIELD_MANAGER, FIELD_MANAGER]);
    expect(await c.readSecret("store-a", "storeplane-backup-target")).toEqual({
      "access-key-id": "AKID",
    });
    expect(await c.readJob("store-a", "backup-1-1")).toMatchObject({
      name: "backup-1-1",
      namespace: "store-a",
      complete: false,
      failedReason: null,
    });
    // The job controller's verdict, as it writes it (batch/v1 JobStatus conditions).
    const live = api.get("batch", "jobs", "store-a", "backup-1-1");
    if (!live) throw new Error("the applied Job is missing");
    api.put({
      ...live,
      status: { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] },
    });
    expect(await c.readJob("store-a", "backup-1-1")).toMatchObject({
      complete: true,
      succeeded: 1,
    });
    api.put({
      ...live,
      status: {
        failed: 1,
        conditions: [
          { type: "Failed", status: "True", reason: "DeadlineExceeded", message: "too long" },
        ],
      },
    });
    expect(await c.readJob("store-a", "backup-1-1")).toMatchObject({
      complete: false,
      failedReason: "DeadlineExceeded",
      failedMessage: "too long",
    });
  });

  it("readJob is null for an absent Job; deleteJob deletes with its pods and is idempotent", async () => {
    const { cluster: c } = cluster();
    await c.ensureNamespace({ name: "store-a", labels: {} });
    expect(await c.readJob("store-a", "backup-x-1")).toBeNull();
    await c.applyObjects("store-a", [job("backup-x-1")]);
    api.clearRequests();
    expect(await c.deleteJob("store-a", "backup-x-1")).toEqual({ deleted: true });
    const del = api.requests.find((r) => r.method === "DELETE");
    // Without it the API server orphans a Job's pods (batch/v1 default).
    expect(del?.query.propagationPolicy).toBe("Background");
    expect(await c.readJob("store-a", "backup-x-1")).toBeNull();
    expect(await c.deleteJob("store-a", "backup-x-1")).toEqual({ deleted: false });
  });

  it("still refuses kinds the platform never applies", async () => {
    const { cluster: c } = cluster();
    await expect(
      c.applyObjects("store-a", [
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: {} },
      ]),
    ).rejects.toThrow(/kind not supported by the platform client/);
  });
});

describe("scaling a store's workloads (restore maintenance)", () => {
  const deployment = (name: string, replicas?: number) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "store-a", labels: managed },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [] } },
    },
    status: { replicas: replicas ?? 1, readyReplicas: replicas ?? 1 },
  });

  it("sets replicas through the scale subresource, returns the previous count, and leaves the rest of the spec alone", async () => {
    const { cluster: c } = cluster();
    api.put(deployment("store-medusa", 2));
    const changes: string[] = [];
    const stop = api.store.onChange((ch) =>
      changes.push(`${ch.type} ${ch.resource.resource}/${ch.object.metadata.name}`),
    );
    api.clearRequests();
    expect(await c.scaleWorkload("store-a", "Deployment", "store-medusa", 0)).toEqual({
      previousReplicas: 2,
    });
    stop();
    // A read, then a merge patch, both of deployments/scale (what RBAC checks).
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /apis/apps/v1/namespaces/store-a/deployments/store-medusa/scale",
      "PATCH /apis/apps/v1/namespaces/store-a/deployments/store-medusa/scale",
    ]);
    expect(api.requests[1]?.headers["content-type"]).toBe("application/merge-patch+json");
    expect(api.requests[1]?.body).toEqual({ spec: { replicas: 0 } });
    expect(api.requests.map((r) => r.rbac[0])).toMatchObject([
      { verb: "get", apiGroup: "apps", resource: "deployments", subresource: "scale" },
      { verb: "patch", apiGroup: "apps", resource: "deployments", subresource: "scale" },
    ]);
    // Committed as a change of the workload itself: a watch sees it.
    expect(changes).toEqual(["MODIFIED deployments/store-medusa"]);
    const live = api.get("apps", "deployments", "store-a", "store-medusa");
    expect(live?.spec).toMatchObject({
      replicas: 0,
      selector: { matchLabels: { app: "store-medusa" } },
    });
    // Back up: the count it had at zero is returned.
    expect(await c.scaleWorkload("store-a", "Deployment", "store-medusa", 2)).toEqual({
      previousReplicas: 0,
    });
    expect(api.get("apps", "deployments", "store-a", "store-medusa")?.spec).toMatchObject({
      replicas: 2,
    });
  });

  it("writes nothing when the replicas already match; an unset count is the API's default of 1", async () => {
    const { cluster: c } = cluster();
    api.put(deployment("store-wordpress"));
    api.clearRequests();
    expect(await c.scaleWorkload("store-a", "Deployment", "store-wordpress", 1)).toEqual({
      previousReplicas: 1,
    });
    expect(api.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("a missing workload is NotFound, named", async () => {
    const { cluster: c } = cluster();
    await expect(c.scaleWorkload("store-a", "Deployment", "nope", 0)).rejects.toMatchObject({
      reason: "NotFound",
    });
  });
});

describe("a store's life as the controller drives it", () => {
  it("namespace → guardrails → secret shows up in the snapshot as applied, then deletion removes it", async () => {
    const { cluster: c } = cluster();
    const guardrails = buildGuardrails({
      namespace: "store-life",
      limits: { cpu: "1", memory: "1Gi", storage: "1Gi", pods: 5, pvcs: 1 },
      ingressNamespace: "kube-system",
    });
    await c.ensureNamespace({ name: "store-life", labels: { [LABELS.storeId]: "life" } });
    await c.applyObjects("store-life", guardrails);
    await c.ensureSecret("store-life", STORE_SECRET_NAME, { [LABELS.storeId]: "life" }, () => ({
      "admin-password": "x",
    }));

    const ns = (await c.snapshot()).namespaces.get("store-life");
    expect(ns?.storeId).toBe("life");
    // What was applied reads back as exactly what the controller expects: no false drift.
    expect(ns?.guardrails).toEqual(expectedGuardrails(guardrails));
    expect(ns?.secrets).toEqual([STORE_SECRET_NAME]);

    // Deletion is not instant: the namespace goes Terminating first, and the
    // API server removes it once its contents are gone.
    api.namespaces.deletionDelayMs = 50;
    await c.deleteNamespace("store-life");
    expect((await c.snapshot()).namespaces.get("store-life")?.phase).toBe("Terminating");
    await api.namespaceGone("store-life");
    expect((await c.snapshot()).namespaces.has("store-life")).toBe(false);
  });
});

describe("unlockRelease", () => {
  it("rolls back to the last deployed revision when the latest is pending-upgrade", async () => {
    helmSecret("store-a", 1, "superseded");
    helmSecret("store-a", 2, "deployed");
    helmSecret("store-a", 3, "pending-upgrade");
    const { cluster: c, helm } = cluster();
    await c.unlockRelease("store-a", "store");
    expect(helm.calls).toHaveLength(1);
    expect(helm.calls[0]?.method).toBe("rollback");
    expect(helm.calls[0]?.args.slice(0, 3)).toEqual(["store-a", "store", 2]);
    const list = api.requests[0];
    expect(list?.path).toBe("/api/v1/namespaces/store-a/secrets");
    expect(list?.query.labelSelector).toBe("owner=helm,name=store");
    expect(api.requests.some((r) => r.method === "DELETE")).toBe(false);
  });

  it("deletes the pending Secret of a never-deployed release so the next install starts clean", async () => {
    helmSecret("store-a", 1, "pending-install");
    const { cluster: c, helm } = cluster();
    await c.unlockRelease("store-a", "store");
    expect(helm.calls).toHaveLength(0);
    const del = api.requests.filter((r) => r.method === "DELETE").map((r) => r.path);
    expect(del).toEqual(["/api/v1/namespaces/store-a/secrets/sh.helm.release.v1.store.v1"]);
    expect(api.get("", "secrets", "store-a", "sh.helm.release.v1.store.v1")).toBeUndefined();
  });

  it("does nothing when the latest revision is not pending", async () => {
    helmSecret("store-a", 1, "failed");
    const { cluster: c, helm } = cluster();
    await c.unlockRelease("store-a", "store");
    expect(helm.calls).toHaveLength(0);
    expect(api.requests.map((r) => r.method)).toEqual(["GET"]);
  });
});

describe("rollbackRelease", () => {
  it("helm rollback to the newest earlier deployed/superseded revision with the digest, read from metadata only", async () => {
    helmSecret("store-a", 1, "superseded", "v010");
    helmSecret("store-a", 2, "superseded", "v010");
    helmSecret("store-a", 3, "failed", "v010");
    helmSecret("store-a", 4, "deployed", "v020");
    const { cluster: c, helm } = cluster();
    const out = await c.rollbackRelease("store-a", "store", { valuesDigest: "v010" });
    expect(out).toEqual({ outcome: "rolled-back", from: 4, to: 2, revision: 5 });
    expect(helm.calls.map((x) => x.method)).toEqual(["rollback"]);
    expect(helm.calls[0]?.args.slice(0, 3)).toEqual(["store-a", "store", 2]);
    const list = api.requests[0];
    expect(list?.path).toBe("/api/v1/namespaces/store-a/secrets");
    expect(list?.query.labelSelector).toBe("owner=helm,name=store");
    // Metadata only: the release data (values) never crosses to the controller.
    expect(list?.headers.accept).toContain("as=PartialObjectMetadataList");
  });

  it("runs no helm when the release already has the digest or no revision has it", async () => {
    helmSecret("store-a", 1, "superseded", "v020");
    helmSecret("store-a", 2, "deployed", "v010");
    const { cluster: c, helm } = cluster();
    expect(await c.rollbackRelease("store-a", "store", { valuesDigest: "v010" })).toEqual({
      outcome: "current",
      revision: 2,
    });
    expect(await c.rollbackRelease("store-a", "store", { valuesDigest: "v030" })).toEqual({
      outcome: "no-revision",
      latest: 2,
    });
    expect(helm.calls).toHaveLength(0);
  });
});

describe("checkServiceHealth", () => {
  const target = { service: "store-medusa", port: "http", path: "/health" };
  const service = () =>
    api.put({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "store-medusa", namespace: "store-a" },
      spec: { ports: [{ name: "http", port: 9000 }] },
    });

  it("GETs the engine's path through the service proxy and relays its answer", async () => {
    service();
    const seen: unknown[] = [];
    api.serveServiceBackend((req) => {
      seen.push(req);
      return { status: 200, body: "OK" };
    });
    const { cluster: c } = cluster();
    expect(await c.checkServiceHealth("store-a", target)).toEqual({
      ok: true,
      status: 200,
      excerpt: "OK",
    });
    const call = api.requests.at(-1)!;
    expect(call.method).toBe("GET");
    expect(decodeURIComponent(call.path)).toBe(
      "/api/v1/namespaces/store-a/services/store-medusa:http/proxy/health",
    );
    // RBAC sees `get` on the services/proxy subresource (what the controller's role must grant).
    expect(call.rbac[0]).toMatchObject({ verb: "get", resource: "services", subresource: "proxy" });
    expect(seen).toEqual([
      { namespace: "store-a", service: "store-medusa", port: "http", path: "/health" },
    ]);
  });

  it("an engine answering 500, a Service without ready endpoints and a missing Service are not ok, with their status", async () => {
    const { cluster: c } = cluster();
    expect(await c.checkServiceHealth("store-a", target)).toMatchObject({
      ok: false,
      status: 404,
    });
    service();
    expect(await c.checkServiceHealth("store-a", target)).toEqual({
      ok: false,
      status: 503,
      excerpt: 'no endpoints available for service "store-medusa"',
    });
    api.serveServiceBackend(() => ({
      status: 500,
      body: "database unreachable\nstack…",
      contentType: "text/html",
    }));
    expect(await c.checkServiceHealth("store-a", target)).toEqual({
      ok: false,
      status: 500,
      excerpt: "database unreachable",
    });
  });

  it("a 2xx HTML page is ok", async () => {
    service();
    api.serveServiceBackend(() => ({
      status: 200,
      body: "<!DOCTYPE html><title>Log In</title>",
      contentType: "text/html; charset=UTF-8",
    }));
    const { cluster: c } = cluster();
    expect(await c.checkServiceHealth("store-a", target)).toMatchObject({ ok: true, status: 200 });
  });
});

describe("info", () => {
  it("reports the context, server and version when reachable", async () => {
    const info = await cluster().cluster.info();
    expect(info).toMatchObject({
      mode: "kube",
      reachable: true,
      context: "fake-context",
      server: api.url,
    });
    expect(info.message).toContain("v1.33.0-fake");
  });

  it("says unreachable (without throwing) when the API server fails", async () => {
    api.intercept(() => ({ status: 503, body: { message: "overloaded" } }));
    const info = await cluster().cluster.info();
    expect(info.reachable).toBe(false);
    expect(info.message).toMatch(/^unreachable: .*overloaded/);
  });
});

describe("cluster reader", () => {
  it("reads store credentials from the store's Secret", async () => {
    api.put({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: STORE_SECRET_NAME, namespace: "store-shop" },
      data: {
        "admin-username": Buffer.from("admin").toString("base64"),
        "admin-password": Buffer.from("pw").toString("base64"),
        "admin-email": Buffer.from("a@example.com").toString("base64"),
      },
    });
    const reader = createClusterReader({ kubeConfig: api.kubeConfig() });
    expect(await reader.credentials("shop")).toEqual({
      username: "admin",
      password: "pw",
      email: "a@example.com",
    });
    expect(await reader.credentials("other")).toBeNull();
  });

  it("lists one store's resources with human problems", async () => {
    seedStore(7);
    const reader = createClusterReader({ kubeConfig: api.kubeConfig() });
    const res = await reader.resources("s7");
    expect(res.pods.map((p) => p.name)).toEqual(["db-0"]);
    expect(res.workloads.map((w) => w.name).sort()).toEqual(["db", "web"]);
    expect(res.jobs.map((j) => j.name)).toEqual(["setup"]);
    expect(res.problems[0]).toBe(
      'ImagePullBackOff: image "mariadb:11.4-nope" cannot be pulled (Back-off pulling image)',
    );
    // The namespace's Warning events, for the dashboard's events list.
    expect(res.events).toEqual([
      {
        namespace: "store-s7",
        type: "Warning",
        reason: "FailedMount",
        message: "MountVolume.SetUp failed",
        involvedKind: "Pod",
        involvedName: "db-0",
        lastSeen: "2026-11-23T01:00:00.000Z",
      },
    ]);
    expect(api.requests.every((r) => r.path.includes("/namespaces/store-s7/"))).toBe(true);
  });

  it("survives a kubeconfig without a cluster: info says unreachable, calls throw Unavailable", async () => {
    const empty = new KubeConfig();
    empty.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: "" });
    const reader = createClusterReader({ kubeConfig: empty });
    const info = await reader.info();
    expect(info.reachable).toBe(false);
    expect(info.message).toMatch(/^unreachable: kubeconfig unusable/);
    await expect(reader.resources("x")).rejects.toMatchObject({
      name: "KubeError",
      code: "Unavailable",
    });
  });

  it("fails fast with a clear Timeout when the cluster does not answer", async () => {
    api.intercept(() => "hang");
    const reader = createClusterReader({ kubeConfig: api.kubeConfig(), timeoutMs: 200 });
    const started = Date.now();
    await expect(reader.resources("s1")).rejects.toMatchObject({
      name: "KubeError",
      code: "Timeout",
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await reader.info()).reachable).toBe(false);
  });
});
