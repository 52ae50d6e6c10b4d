// Level: the real @kubernetes/client-node against an HTTP-level fake API
// server (src/testing/fake-api-server.ts) on 127.0.0.1.
import { createServer } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ErrorClass } from "../error-class.ts";
import { buildGuardrails } from "../guardrails.ts";
import { FIELD_MANAGER } from "../store-contract.ts";
import { FakeApiServer, statusBody } from "../testing/fake-api-server.ts";
import { KubeError } from "./errors.ts";
import { KubeClient } from "./kube-client.ts";

let api: FakeApiServer;
let client: KubeClient;

beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  // The API server refuses content in a namespace that does not exist.
  api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "store-shop" } });
  api.clearRequests();
  client = new KubeClient(api.kubeConfig(), { timeoutMs: 2_000 });
});

describe("namespaces", () => {
  it("creates a namespace with platform, store and Pod Security labels, authenticated", async () => {
    api.reset();
    const outcome = await client.ensureNamespace("store-shop", { "storeplane.io/store-id": "s1" });
    expect(outcome).toBe("created");
    const [req] = api.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/api/v1/namespaces");
    expect(req?.headers.authorization).toBe("Bearer fake-token");
    expect(req?.body).toMatchObject({
      metadata: {
        name: "store-shop",
        labels: {
          "storeplane.io/store-id": "s1",
          "app.kubernetes.io/managed-by": "storeplane",
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
        },
      },
    });
  });

  it("adds missing labels to an existing namespace with a merge patch, and does nothing when all are there", async () => {
    api.put({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "store-old", labels: { keep: "me" } },
    });
    expect(await client.ensureNamespace("store-old", {})).toBe("updated");
    const patch = api.requests.find((r) => r.method === "PATCH");
    expect(patch?.path).toBe("/api/v1/namespaces/store-old");
    expect(patch?.headers["content-type"]).toBe("application/merge-patch+json");
    expect(api.get("", "namespaces", undefined, "store-old")?.metadata.labels).toMatchObject({
      keep: "me",
      "app.kubernetes.io/managed-by": "storeplane",
    });

    api.clearRequests();
    expect(await client.ensureNamespace("store-old", {})).toBe("unchanged");
    expect(api.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it("treats deleting a namespace that is already gone as done", async () => {
    expect(await client.deleteNamespace("store-gone")).toEqual({ deleted: false });
    api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "store-here" } });
    expect(await client.deleteNamespace("store-here")).toEqual({ deleted: true });
    expect(api.requests.at(-1)?.path).toBe("/api/v1/namespaces/store-here");
    expect(api.requests.at(-1)?.method).toBe("DELETE");
  });

  it("treats deleting a namespace that is already terminating (409) as requested, not as an error", async () => {
    api.intercept((req) =>
      req.method === "DELETE"
        ? {
            status: 409,
            body: statusBody(
              409,
              "Conflict",
              'Operation cannot be fulfilled on namespaces "store-t": The system is ensuring all content is removed from this namespace.',
            ),
          }
        : undefined,
    );
    expect(await client.deleteNamespace("store-t")).toEqual({ deleted: true });
  });
});

describe("server-side apply of guardrails", () => {
  it("PATCHes each object to its own path as apply-patch+yaml with our field manager and force", async () => {
    const objects = buildGuardrails({
      namespace: "store-shop",
      limits: { cpu: "2", memory: "2Gi", storage: "5Gi", pods: 10, pvcs: 2 },
      ingressNamespace: "kube-system",
    });
    for (const o of objects) await client.apply("store-shop", o);

    expect(api.requests).toHaveLength(objects.length);
    for (const [i, req] of api.requests.entries()) {
      const obj = objects[i];
      expect(req.method).toBe("PATCH");
      expect(req.headers["content-type"]).toBe("application/apply-patch+yaml");
      expect(req.query).toMatchObject({ fieldManager: FIELD_MANAGER, force: "true" });
      expect(req.body).toEqual({ ...obj, metadata: { ...obj?.metadata, namespace: "store-shop" } });
    }
    expect(api.requests.map((r) => r.path)).toEqual([
      "/api/v1/namespaces/store-shop/resourcequotas/storeplane-quota",
      "/api/v1/namespaces/store-shop/limitranges/storeplane-limits",
      "/apis/networking.k8s.io/v1/namespaces/store-shop/networkpolicies/default-deny",
      "/apis/networking.k8s.io/v1/namespaces/store-shop/networkpolicies/allow-dns",
      "/apis/networking.k8s.io/v1/namespaces/store-shop/networkpolicies/allow-same-namespace",
      "/apis/networking.k8s.io/v1/namespaces/store-shop/networkpolicies/allow-ingress-controller",
      "/apis/networking.k8s.io/v1/namespaces/store-shop/networkpolicies/allow-internet-egress",
    ]);
  });

  it("refuses kinds it has no RBAC rule for, without calling the server", async () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } };
    await expect(client.apply("store-shop", cm)).rejects.toMatchObject({ code: "Invalid" });
    expect(api.requests).toHaveLength(0);
  });
});

describe("create-once secrets", () => {
  it("creates the Secret with managed-by label and data, then never overwrites it (409 → created:false)", async () => {
    const first = await client.createSecretOnce(
      "store-shop",
      "store-credentials",
      { "storeplane.io/store-id": "s1" },
      {
        "admin-password": "first",
      },
    );
    expect(first).toEqual({ created: true });
    const post = api.requests[0];
    expect(post?.path).toBe("/api/v1/namespaces/store-shop/secrets");
    expect(post?.body).toMatchObject({
      metadata: {
        name: "store-credentials",
        labels: { "app.kubernetes.io/managed-by": "storeplane", "storeplane.io/store-id": "s1" },
      },
      stringData: { "admin-password": "first" },
    });

    api.clearRequests();
    const second = await client.createSecretOnce(
      "store-shop",
      "store-credentials",
      {},
      { "admin-password": "second" },
    );
    expect(second).toEqual({ created: false });
    // Exactly one POST answered 409; no PUT/PATCH that could overwrite.
    expect(api.requests.map((r) => r.method)).toEqual(["POST"]);
    expect(await client.readSecret("store-shop", "store-credentials")).toEqual({
      "admin-password": "first",
    });
  });

  it("reads and base64-decodes a Secret, and returns null when it does not exist", async () => {
    api.put({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "store-shop" },
      data: {
        user: Buffer.from("admin").toString("base64"),
        pw: Buffer.from("p@ss wörd").toString("base64"),
      },
    });
    expect(await client.readSecret("store-shop", "s")).toEqual({ user: "admin", pw: "p@ss wörd" });
    expect(await client.readSecret("store-shop", "missing")).toBeNull();
  });
});

describe("label-selected lists", () => {
  it("lists across all namespaces with the selector in the query string", async () => {
    api.put({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "a", namespace: "n1", labels: { "storeplane.io/store-id": "1" } },
    });
    api.put({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "b", namespace: "n2", labels: { other: "x" } },
    });
    const pods = await client.listPods("storeplane.io/store-id");
    expect(pods.map((p) => p.metadata?.name)).toEqual(["a"]);
    expect(api.requests[0]?.path).toBe("/api/v1/pods");
    expect(api.requests[0]?.query.labelSelector).toBe("storeplane.io/store-id");
  });

  it("asks for Secrets as metadata only, so no payload travels", async () => {
    api.put({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "sh.helm.release.v1.store.v1",
        namespace: "n1",
        labels: { owner: "helm", name: "store" },
      },
      data: { release: "SECRET-PAYLOAD" },
    });
    const secrets = await client.listSecretMetadata("owner=helm");
    expect(secrets).toEqual([
      {
        name: "sh.helm.release.v1.store.v1",
        namespace: "n1",
        labels: { owner: "helm", name: "store" },
      },
    ]);
    expect(api.requests[0]?.headers.accept).toContain("as=PartialObjectMetadataList");
  });

  it("selects Warning events by field", async () => {
    await client.listWarningEvents();
    expect(api.requests[0]?.path).toBe("/api/v1/events");
    expect(api.requests[0]?.query.fieldSelector).toBe("type=Warning");
  });
});

describe("error mapping", () => {
  const cases: [number, string, ErrorClass][] = [
    [401, "Unauthorized", "terminal"],
    [403, "Forbidden", "terminal"],
    [404, "NotFound", "transient"],
    [409, "Conflict", "conflict"],
    [422, "Invalid", "terminal"],
    [429, "TooManyRequests", "transient"],
    [500, "Unavailable", "transient"],
    [503, "Unavailable", "transient"],
  ];
  it.each(cases)(
    "HTTP %i → %s (class %s), keeping the Status message and the cause",
    async (status, code, errorClass) => {
      api.intercept(() => ({
        status,
        body: statusBody(status, "Whatever", `server said ${status}`),
      }));
      const err = await client.listNamespaces("a=b").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeError);
      expect(err).toMatchObject({ code, errorClass, status, conditionReason: `Kube${code}` });
      // client-node 1.x discards the body of a 401 before we see it.
      const expected = status === 401 ? "rejected our credentials" : `server said ${status}`;
      expect((err as KubeError).message).toContain(expected);
      expect((err as KubeError).cause).toBeDefined();
    },
  );

  it("403 from the namespace lifecycle plugin (cause NamespaceTerminating) is transient, not a permission problem", async () => {
    // The body kube-apiserver sends when creating into a terminating namespace
    // (plugin/pkg/admission/namespace/lifecycle/admission.go).
    api.intercept(() => ({
      status: 403,
      body: {
        ...statusBody(
          403,
          "Forbidden",
          'secrets "x" is forbidden: unable to create new content in namespace store-t because it is being terminated',
        ),
        details: {
          name: "x",
          kind: "secrets",
          causes: [
            {
              type: "NamespaceTerminating",
              message: "namespace store-t is being terminated",
              field: "metadata.namespace",
            },
          ],
        },
      },
    }));
    const err = await client.listNamespaces("a=b").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "Forbidden", errorClass: "transient" });
  });

  it("a server that never answers → Timeout (transient) after the client's timeout", async () => {
    api.intercept(() => "hang");
    const slow = new KubeClient(api.kubeConfig(), { timeoutMs: 300 });
    const started = Date.now();
    const err = await slow.listPods("x").catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "KubeError", code: "Timeout", errorClass: "transient" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("nothing listening → Unavailable (transient)", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: "u", token: "t" }],
      contexts: [{ name: "ctx", cluster: "c", user: "u" }],
      currentContext: "ctx",
    });
    const err = await new KubeClient(kc, { timeoutMs: 2_000 })
      .listNamespaces("a")
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "Unavailable", errorClass: "transient" });
    expect((err as Error).message).toContain("ECONNREFUSED");
  });
});
