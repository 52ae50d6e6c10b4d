// Level: the real @kubernetes/client-node against the fake API server: server-side
// apply with field managers, as
// https://kubernetes.io/docs/reference/using-api/server-side-apply/ describes it,
// and the platform client's own apply (force, so drift is taken back).
import { ApiException, AppsV1Api, CoreV1Api, type V1Deployment } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KubeClient } from "../client/kube-client.ts";
import { APPLY_PATCH, MERGE_PATCH, requestOptions } from "../client/request-options.ts";
import { buildGuardrails } from "../guardrails.ts";
import { FIELD_MANAGER } from "../store-contract.ts";
import { FakeApiServer } from "./fake-api-server.ts";

let api: FakeApiServer;
let apps: AppsV1Api;
let core: CoreV1Api;
const applyOpts = requestOptions({ timeoutMs: 2_000, contentType: APPLY_PATCH });
const mergeOpts = requestOptions({ timeoutMs: 2_000, contentType: MERGE_PATCH });

beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(() => api.close());
beforeEach(() => {
  api.reset();
  api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
  apps = api.kubeConfig().makeApiClient(AppsV1Api);
  core = api.kubeConfig().makeApiClient(CoreV1Api);
});

function deployment(
  replicas: number | undefined,
  containers: Array<{ name: string; image: string }>,
) {
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers } },
  };
  if (replicas !== undefined) spec.replicas = replicas;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec,
  } as unknown as V1Deployment;
}

const applyAs = (manager: string, body: V1Deployment, force = false) =>
  apps.patchNamespacedDeployment(
    { name: "web", namespace: "shop", body, fieldManager: manager, force },
    applyOpts,
  );

async function failure(
  p: Promise<unknown>,
): Promise<{ code: number; body: Record<string, unknown> }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiException)) throw new Error(`expected an API error, got ${String(err)}`);
  return { code: err.code, body: JSON.parse(String(err.body)) };
}

const managers = (d: V1Deployment | undefined) =>
  (d?.metadata?.managedFields ?? []).map((m) => `${m.manager}:${m.operation}`).sort();

describe("server-side apply with field managers", () => {
  it("answers a conflicting apply without force with 409 naming each conflicting field and its owner", async () => {
    await applyAs("ops", deployment(2, [{ name: "web", image: "shop:1" }]));
    const { code, body } = await failure(
      applyAs("ci", deployment(3, [{ name: "web", image: "shop:2" }])),
    );
    expect(code).toBe(409);
    expect(body).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      reason: "Conflict",
      code: 409,
    });
    expect(body.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "ops":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
    expect((body.details as { causes: unknown[] }).causes).toEqual([
      { type: "FieldManagerConflict", message: 'conflict with "ops"', field: ".spec.replicas" },
      {
        type: "FieldManagerConflict",
        message: 'conflict with "ops"',
        field: '.spec.template.spec.containers[name="web"].image',
      },
    ]);
    // Nothing was written.
    const live = await apps.readNamespacedDeployment({ name: "web", namespace: "shop" });
    expect(live.spec?.replicas).toBe(2);
  });

  it("says 1 conflict in the singular form the API server uses", async () => {
    await applyAs("ops", deployment(2, [{ name: "web", image: "shop:1" }]));
    const { body } = await failure(
      applyAs("ci", deployment(3, [{ name: "web", image: "shop:1" }])),
    );
    expect(body.message).toBe('Apply failed with 1 conflict: conflict with "ops": .spec.replicas');
  });

  it("shares a field applied with the same value, without a conflict", async () => {
    await applyAs("ops", deployment(2, [{ name: "web", image: "shop:1" }]));
    const shared = await applyAs("ci", deployment(2, [{ name: "web", image: "shop:1" }]));
    expect(managers(shared)).toEqual(["ci:Apply", "ops:Apply"]);
  });

  it("force=true takes the field over: the previous owner no longer holds it", async () => {
    await applyAs("ops", deployment(2, [{ name: "web", image: "shop:1" }]));
    const forced = await applyAs("ci", deployment(3, [{ name: "web", image: "shop:1" }]), true);
    expect(forced.spec?.replicas).toBe(3);
    const ops = forced.metadata?.managedFields?.find((m) => m.manager === "ops");
    expect(JSON.stringify(ops?.fieldsV1)).not.toContain("f:replicas");
    const ci = forced.metadata?.managedFields?.find((m) => m.manager === "ci");
    expect(ci?.fieldsV1).toMatchObject({ "f:spec": { "f:replicas": {} } });
    // ops now conflicts on the field it lost.
    const { code } = await failure(
      applyAs("ops", deployment(2, [{ name: "web", image: "shop:1" }])),
    );
    expect(code).toBe(409);
  });

  it("keeps fields owned by another manager when an apply omits them, removes what the applier dropped", async () => {
    await applyAs("ops", deployment(2, [{ name: "web", image: "shop:1" }]));
    // ci adds a sidecar: containers is a list-map keyed by name, so both live side by side.
    await applyAs("ci", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { template: { spec: { containers: [{ name: "metrics", image: "exporter:1" }] } } },
    } as V1Deployment);
    // ops re-applies without replicas: its replicas go, ci's sidecar stays.
    const after = await applyAs("ops", deployment(undefined, [{ name: "web", image: "shop:1" }]));
    expect(after.spec?.replicas).toBeUndefined();
    expect(after.spec?.template?.spec?.containers.map((c) => c.name).sort()).toEqual([
      "metrics",
      "web",
    ]);
  });

  it("refuses an apply without a field manager (422 Invalid on PatchOptions)", async () => {
    const { code, body } = await failure(
      apps.patchNamespacedDeployment(
        { name: "web", namespace: "shop", body: deployment(1, [{ name: "web", image: "x" }]) },
        applyOpts,
      ),
    );
    expect(code).toBe(422);
    expect(body).toMatchObject({
      reason: "Invalid",
      details: { kind: "PatchOptions", group: "meta.k8s.io" },
    });
  });

  it("records a merge patch as an Update by its manager, which an apply without force then conflicts with", async () => {
    await applyAs("ops", deployment(2, [{ name: "web", image: "shop:1" }]));
    const patched = await apps.patchNamespacedDeployment(
      {
        name: "web",
        namespace: "shop",
        body: { spec: { replicas: 5 } },
        fieldManager: "kubectl-edit",
      },
      mergeOpts,
    );
    expect(managers(patched)).toEqual(["kubectl-edit:Update", "ops:Apply"]);
    const { body } = await failure(
      applyAs("ops", deployment(2, [{ name: "web", image: "shop:1" }])),
    );
    expect(body.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
  });
});

describe("the platform client's apply (force, field manager storeplane-controller)", () => {
  it("takes back a guardrail a human edited, where an unforced apply would have conflicted", async () => {
    const client = new KubeClient(api.kubeConfig(), { timeoutMs: 2_000 });
    const [quota] = buildGuardrails({
      namespace: "shop",
      limits: { cpu: "1", memory: "1Gi", storage: "1Gi", pods: 5, pvcs: 1 },
      ingressNamespace: "traefik",
    });
    if (!quota) throw new Error("no quota");
    await client.apply("shop", quota);
    await core.patchNamespacedResourceQuota(
      {
        name: quota.metadata.name,
        namespace: "shop",
        body: { spec: { hard: { pods: "500" } } },
        fieldManager: "kubectl-edit",
      },
      mergeOpts,
    );
    const unforced = await failure(
      core.patchNamespacedResourceQuota(
        {
          name: quota.metadata.name,
          namespace: "shop",
          body: { ...quota, metadata: { ...quota.metadata, namespace: "shop" } },
          fieldManager: FIELD_MANAGER,
        },
        applyOpts,
      ),
    );
    expect(unforced.code).toBe(409);
    await client.apply("shop", quota);
    const live = await core.readNamespacedResourceQuota({
      name: quota.metadata.name,
      namespace: "shop",
    });
    expect(live.spec?.hard?.pods).toBe("5");
    const owners = (live.metadata?.managedFields ?? []).map((m) => m.manager);
    expect(owners).toContain(FIELD_MANAGER);
  });
});
