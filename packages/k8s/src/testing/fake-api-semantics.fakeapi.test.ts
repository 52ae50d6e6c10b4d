// Level: the real @kubernetes/client-node (and the platform's KubeClient)
// against the fake API server: resourceVersion and optimistic concurrency,
// Status bodies as apimachinery's errors.go builds them, Terminating
// namespaces, and limit/continue pagination.
import { ApiException, CoreV1Api, type V1Secret } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isKubeError } from "../client/errors.ts";
import { KubeClient } from "../client/kube-client.ts";
import { MERGE_PATCH, requestOptions } from "../client/request-options.ts";
import { CONTINUE_EXPIRED } from "./fake-api-list.ts";
import { FakeApiServer } from "./fake-api-server.ts";

let api: FakeApiServer;
let core: CoreV1Api;
let client: KubeClient;
const mergeOpts = requestOptions({ timeoutMs: 2_000, contentType: MERGE_PATCH });

beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
  core = api.kubeConfig().makeApiClient(CoreV1Api);
  client = new KubeClient(api.kubeConfig(), { timeoutMs: 2_000 });
});

async function failure(p: Promise<unknown>): Promise<{ code: number; body: unknown }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiException)) throw new Error(`expected an API error, got ${String(err)}`);
  return { code: err.code, body: JSON.parse(String(err.body)) };
}

const secret = (name: string, data: Record<string, string> = {}): V1Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name },
  stringData: data,
});

describe("resourceVersion", () => {
  it("moves on every write, from one counter across objects, and a list reports the latest", async () => {
    const a = await core.createNamespacedSecret({ namespace: "shop", body: secret("a") });
    const b = await core.createNamespacedSecret({ namespace: "shop", body: secret("b") });
    const a2 = await core.patchNamespacedSecret(
      { name: "a", namespace: "shop", body: { metadata: { labels: { x: "1" } } } },
      mergeOpts,
    );
    const rvs = [a, b, a2].map((o) => Number(o.metadata?.resourceVersion));
    expect(rvs[0]).toBeLessThan(rvs[1] as number);
    expect(rvs[1]).toBeLessThan(rvs[2] as number);
    const list = await core.listNamespacedSecret({ namespace: "shop" });
    expect(list.metadata?.resourceVersion).toBe(a2.metadata?.resourceVersion);
    expect(a.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses an update carrying a stale resourceVersion with the API server's 409", async () => {
    const first = await core.createNamespacedSecret({ namespace: "shop", body: secret("s") });
    await core.replaceNamespacedSecret({
      name: "s",
      namespace: "shop",
      body: { ...first, data: { k: "dg==" } },
    });
    const stale = await failure(
      core.replaceNamespacedSecret({
        name: "s",
        namespace: "shop",
        body: { ...first, data: { k: "dw==" } },
      }),
    );
    expect(stale).toEqual({
      code: 409,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message:
          'Operation cannot be fulfilled on secrets "s": the object has been modified; please apply your changes to the latest version and try again',
        reason: "Conflict",
        details: { name: "s", kind: "secrets" },
        code: 409,
      },
    });
    // The same stale precondition in a merge patch is refused too.
    const patched = await failure(
      core.patchNamespacedSecret(
        {
          name: "s",
          namespace: "shop",
          body: { metadata: { resourceVersion: first.metadata?.resourceVersion } },
        },
        mergeOpts,
      ),
    );
    expect(patched.code).toBe(409);
  });
});

describe("Status bodies", () => {
  it("404 NotFound names the qualified resource in the message and the resource in details.kind", async () => {
    expect(
      await failure(
        api
          .kubeConfig()
          .makeApiClient((await import("@kubernetes/client-node")).AppsV1Api)
          .readNamespacedDeployment({ name: "web", namespace: "shop" }),
      ),
    ).toEqual({
      code: 404,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: 'deployments.apps "web" not found',
        reason: "NotFound",
        details: { name: "web", group: "apps", kind: "deployments" },
        code: 404,
      },
    });
  });

  it("409 AlreadyExists on a second create", async () => {
    await core.createNamespacedSecret({ namespace: "shop", body: secret("s") });
    const { code, body } = await failure(
      core.createNamespacedSecret({ namespace: "shop", body: secret("s") }),
    );
    expect(code).toBe(409);
    expect(body).toMatchObject({
      reason: "AlreadyExists",
      message: 'secrets "s" already exists',
      details: { name: "s", kind: "secrets" },
    });
  });

  it("422 Invalid names the Kind, the field and the rule", async () => {
    const { code, body } = await failure(
      core.createNamespace({ body: { metadata: { name: "Shop_1" } } }),
    );
    expect(code).toBe(422);
    expect(body).toMatchObject({
      reason: "Invalid",
      details: {
        name: "Shop_1",
        kind: "Namespace",
        causes: [{ type: "FieldValueInvalid", field: "metadata.name" }],
      },
    });
    expect((body as { message: string }).message).toMatch(
      /^Namespace "Shop_1" is invalid: metadata\.name: Invalid value: "Shop_1": a lowercase RFC 1123 label must consist of/,
    );
  });

  it("404 for content in a namespace that does not exist", async () => {
    const { code, body } = await failure(
      core.createNamespacedSecret({ namespace: "nowhere", body: secret("s") }),
    );
    expect(code).toBe(404);
    expect(body).toMatchObject({ message: 'namespaces "nowhere" not found' });
  });
});

describe("namespace deletion", () => {
  it("goes Terminating, forbids new content (403 NamespaceTerminating), and ends once the contents are gone", async () => {
    api.namespaces.deletionDelayMs = 60_000; // the namespace controller waits: observe Terminating
    await core.createNamespacedSecret({ namespace: "shop", body: secret("s") });
    await core.deleteNamespace({ name: "shop" });
    const marked = await core.readNamespace({ name: "shop" });
    expect(marked.status?.phase).toBe("Terminating");
    expect(marked.metadata?.deletionTimestamp).toBeDefined();

    const { code, body } = await failure(
      core.createNamespacedSecret({ namespace: "shop", body: secret("t") }),
    );
    expect(code).toBe(403);
    expect(body).toMatchObject({
      reason: "Forbidden",
      message:
        'secrets "t" is forbidden: unable to create new content in namespace shop because it is being terminated',
      details: {
        name: "t",
        kind: "secrets",
        causes: [{ type: "NamespaceTerminating", field: "metadata.namespace" }],
      },
    });
    // The platform client classes that refusal as transient: it passes once the namespace is gone.
    const err = await client.createSecretOnce("shop", "t", {}, { k: "v" }).catch((e: unknown) => e);
    expect(isKubeError(err, "Forbidden") && err.errorClass).toBe("transient");
    // A second delete is the API server's 409, which the client counts as requested.
    expect(await client.deleteNamespace("shop")).toEqual({ deleted: true });

    const gone = api.namespaceGone("shop");
    api.namespaces.deletionDelayMs = 0;
    api.namespaces.beginDeletionSweepNow("shop");
    await gone;
    expect(await client.readNamespace("shop")).toBeNull();
  });

  it("waits for an object with a finalizer until the finalizer is removed", async () => {
    api.put({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data", namespace: "shop", finalizers: ["kubernetes.io/pvc-protection"] },
    });
    let gone = false;
    const whenGone = api.namespaceGone("shop").then(() => {
      gone = true;
    });
    await core.deleteNamespace({ name: "shop" });
    const pvc = await waitFor(() =>
      core
        .readNamespacedPersistentVolumeClaim({ name: "data", namespace: "shop" })
        .then((p) => (p.metadata?.deletionTimestamp ? p : null)),
    );
    expect(pvc.metadata?.finalizers).toEqual(["kubernetes.io/pvc-protection"]);
    expect(gone).toBe(false);
    expect((await core.readNamespace({ name: "shop" })).status?.phase).toBe("Terminating");
    await core.patchNamespacedPersistentVolumeClaim(
      { name: "data", namespace: "shop", body: { metadata: { finalizers: null } } },
      mergeOpts,
    );
    await whenGone;
    expect(await client.readNamespace("shop")).toBeNull();
  });
});

/** Poll a read until it returns non-null (each step a real request, no sleeps between). */
async function waitFor<T>(read: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (v) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error("condition not reached");
}

describe("limit/continue pagination", () => {
  beforeEach(async () => {
    for (const n of ["a", "b", "c", "d", "e"])
      await core.createNamespacedSecret({ namespace: "shop", body: secret(n) });
  });

  it("pages through a consistent snapshot: later writes do not show up in the remaining pages", async () => {
    const first = await core.listNamespacedSecret({ namespace: "shop", limit: 2 });
    expect(first.items.map((s) => s.metadata?.name)).toEqual(["a", "b"]);
    expect(first.metadata?.remainingItemCount).toBe(3);
    await core.createNamespacedSecret({ namespace: "shop", body: secret("bb") });
    const names: string[] = [];
    let token = first.metadata?._continue;
    while (token) {
      const page = await core.listNamespacedSecret({
        namespace: "shop",
        limit: 2,
        _continue: token,
      });
      names.push(...page.items.map((s) => s.metadata?.name ?? ""));
      expect(page.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
      token = page.metadata?._continue;
    }
    expect(names).toEqual(["c", "d", "e"]);
  });

  it("answers 410 Expired with the API server's message once the token's revision is compacted", async () => {
    const first = await core.listNamespacedSecret({ namespace: "shop", limit: 2 });
    api.compact();
    const { code, body } = await failure(
      core.listNamespacedSecret({
        namespace: "shop",
        limit: 2,
        _continue: first.metadata?._continue,
      }),
    );
    expect(code).toBe(410);
    expect(body).toMatchObject({ reason: "Expired", message: CONTINUE_EXPIRED, code: 410 });
  });

  it("answers 400 BadRequest for a token it never issued", async () => {
    const { code, body } = await failure(
      core.listNamespacedSecret({ namespace: "shop", limit: 2, _continue: "not-a-token" }),
    );
    expect(code).toBe(400);
    expect(body).toMatchObject({ reason: "BadRequest" });
  });
});
