// Level: the real @kubernetes/client-node against the HTTP-level fake API
// server (src/testing/fake-api-server.ts). KubeClient.copySecret: the store's
// registry pull Secret, copied from the platform's namespace by server-side apply.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FIELD_MANAGER } from "../store-contract.ts";
import { FakeApiServer } from "../testing/fake-api-server.ts";
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
  api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "storeplane" } });
  api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "store-shop" } });
  api.clearRequests();
  client = new KubeClient(api.kubeConfig(), { timeoutMs: 2_000 });
});

const dockerConfig = Buffer.from('{"auths":{"ghcr.io":{"auth":"dG9rZW4="}}}').toString("base64");
const source = {
  apiVersion: "v1",
  kind: "Secret",
  type: "kubernetes.io/dockerconfigjson",
  metadata: { name: "registry-pull", namespace: "storeplane", labels: { team: "ops" } },
  data: { ".dockerconfigjson": dockerConfig },
};

describe("copySecret", () => {
  it("reads the source and server-side applies a copy with its type and data, our labels and field manager", async () => {
    api.put(source);
    await client.copySecret({ namespace: "storeplane", name: "registry-pull" }, "store-shop", {
      "storeplane.io/store-id": "s1",
    });
    const [read, apply] = api.requests;
    expect(read?.method).toBe("GET");
    expect(read?.path).toBe("/api/v1/namespaces/storeplane/secrets/registry-pull");
    expect(apply?.method).toBe("PATCH");
    expect(apply?.path).toBe("/api/v1/namespaces/store-shop/secrets/registry-pull");
    // Server-side apply (the API server's apply patch type), owned by the controller, forced.
    expect(apply?.headers["content-type"]).toMatch(/^application\/apply-patch\+yaml/);
    expect(apply?.query.fieldManager).toBe(FIELD_MANAGER);
    expect(apply?.query.force).toBe("true");
    const copy = api.get("", "secrets", "store-shop", "registry-pull");
    expect(copy).toMatchObject({
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": dockerConfig },
      metadata: {
        namespace: "store-shop",
        labels: { "storeplane.io/store-id": "s1", "app.kubernetes.io/managed-by": "storeplane" },
      },
    });
    // The source's own labels are not carried over: the copy is ours.
    expect(copy?.metadata.labels?.team).toBeUndefined();
  });

  it("brings a changed copy back in step with the source (the same single apply)", async () => {
    api.put(source);
    api.put({
      ...source,
      metadata: { name: "registry-pull", namespace: "store-shop" },
      data: { ".dockerconfigjson": Buffer.from("{}").toString("base64") },
    });
    await client.copySecret({ namespace: "storeplane", name: "registry-pull" }, "store-shop", {});
    expect(api.get("", "secrets", "store-shop", "registry-pull")?.data).toEqual({
      ".dockerconfigjson": dockerConfig,
    });
  });

  it("fails NotFound, naming the missing source and how to create it, without writing anything", async () => {
    const error = await client
      .copySecret({ namespace: "storeplane", name: "registry-pull" }, "store-shop", {})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NotFound" });
    expect(String((error as Error).message)).toMatch(
      /Secret storeplane\/registry-pull .* does not exist: create it/,
    );
    expect(api.requests.map((r) => r.method)).toEqual(["GET"]);
  });

  it("maps a refused apply to a typed error that names the copy, not its data", async () => {
    api.put(source);
    api.failNext({ method: "PATCH", pathIncludes: "/store-shop/" }, 403, "Forbidden");
    const error = await client
      .copySecret({ namespace: "storeplane", name: "registry-pull" }, "store-shop", {})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Forbidden" });
    expect(String((error as Error).message)).toContain("store-shop/registry-pull");
    expect(String((error as Error).message)).not.toContain(dockerConfig);
  });
});
