// Level: real helm rendering (charts/platform) + the fake API server. RBAC
// derived from behaviour: the controller (the real loop and KubeCluster) and
// the API's cluster reader take stores through their life against the fake
// API server, which records every request as the RBAC authorizer sees it
// (verb, API group, resource, subresource, namespace, name). Then:
// - every recorded request must be allowed by the rendered ClusterRole of
//   its caller, so a new client call without a rule fails here;
// - every rule of those ClusterRoles must have been used, or be listed below
//   as an exception with its reason.
// It drives its own lifecycle, so it depends on no other suite or its order.
import {
  type DatabaseHandle,
  findBackupById,
  migrateToLatest,
  openDatabase,
  requestBackup,
  type Store,
} from "@storeplane/db";
import {
  createClusterReader,
  createHelm,
  LABELS,
  resolveHelmBinary,
  STORE_SECRET_NAME,
} from "@storeplane/k8s";
import { authorizes, type PolicyRule } from "@storeplane/k8s/rbac";
import { FakeApiCluster, type RecordedRequest } from "@storeplane/k8s/testing";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBackupSettings } from "../src/backups/backup-env.ts";
import { backupJobName } from "../src/backups/job-spec.ts";
import { createBackupRunner } from "../src/backups/runner.ts";
import { ChartCatalog } from "../src/desired.ts";
import { createRolloutHealthCheck } from "../src/rollouts/health-check.ts";
import {
  CHARTS_DIR,
  createStores,
  requestDeletion,
  startController,
  storesById,
  waitFor,
  waitForPhase,
} from "./harness.ts";

const CONTROLLER_TOKEN = "controller-token";
const WEB_TOKEN = "web-token";
const PULL_SECRET = { namespace: "storeplane", name: "registry-pull" };

// Granted but not observable here, each with its reason. helm is a separate
// binary whose own requests the fake API server cannot see (it cannot run
// against it); what helm needs for the engine charts' kinds is checked by
// rendering those charts in charts/test/rbac.helm.test.ts.
const HELM =
  "helm (the binary): its own requests are not made against the fake API server; charts/test/rbac.helm.test.ts checks them against the engine charts' kinds";
const HELM_KINDS: Array<[string, string]> = [
  ["", "services"],
  ["", "configmaps"],
  ["", "serviceaccounts"],
  ["", "persistentvolumeclaims"],
  ["apps", "deployments"],
  ["apps", "statefulsets"],
  ["batch", "jobs"],
  ["networking.k8s.io", "ingresses"],
];
const HELM_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];
const CONTROLLER_EXCEPTIONS = new Map<string, string>([
  ...HELM_KINDS.flatMap(([g, r]) =>
    HELM_VERBS.map((v) => [`${g}|${r}|${v}`, HELM] as [string, string]),
  ),
  ["|secrets|update", `${HELM} (release records: a revision's status moves by update)`],
  ["|pods|get", `${HELM} (waiting for readiness and hook pods)`],
  ["|pods|watch", `${HELM} (waiting for readiness and hook pods)`],
  // The restore runner's maintenance, not driven by this lifecycle; its
  // requests (GET, then PATCH of deployments/scale) are asserted in
  // apps/controller/src/backups/restore-runner.fakeapi.test.ts and
  // packages/k8s/src/kube-cluster.fakeapi.test.ts.
  ...["get", "patch"].map(
    (v) =>
      [
        `apps|deployments/scale|${v}`,
        "the restore runner (scaleWorkload): see restore-runner.fakeapi.test.ts",
      ] as [string, string],
  ),
]);
const WEB_UNUSED =
  "not called by the API's cluster reader (info, credentials, resources); granted for dashboard views that read through it — a candidate for removal";
const WEB_EXCEPTIONS = new Map<string, string>([
  ...["namespaces", "persistentvolumeclaims", "services"].flatMap((r) =>
    ["get", "list", "watch"].map((v) => [`|${r}|${v}`, WEB_UNUSED] as [string, string]),
  ),
  ...["get", "list", "watch"].map(
    (v) => [`networking.k8s.io|ingresses|${v}`, WEB_UNUSED] as [string, string],
  ),
  ...[
    "|pods|get",
    "|pods|watch",
    "|events|get",
    "|events|watch",
    "apps|deployments|get",
    "apps|deployments|watch",
    "apps|statefulsets|get",
    "apps|statefulsets|watch",
    "batch|jobs|get",
    "batch|jobs|watch",
  ].map((t) => [t, WEB_UNUSED] as [string, string]),
]);

function triples(rules: PolicyRule[]): string[] {
  return rules.flatMap((r) =>
    r.apiGroups.flatMap((g) =>
      r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`)),
    ),
  );
}

function usedTriples(requests: RecordedRequest[]): Set<string> {
  return new Set(
    requests.flatMap((r) =>
      r.rbac.map(
        (a) =>
          `${a.apiGroup}|${a.subresource ? `${a.resource}/${a.subresource}` : a.resource}|${a.verb}`,
      ),
    ),
  );
}

function denied(rules: PolicyRule[], requests: RecordedRequest[]): string[] {
  return requests.flatMap((r) =>
    r.rbac
      .filter((a) => !authorizes(rules, a))
      .map(
        (a) =>
          `${a.verb} ${a.apiGroup || "core"}/${a.resource}${a.subresource ? `/${a.subresource}` : ""} (${r.method} ${r.path})`,
      ),
  );
}

const helmBinary = resolveHelmBinary();
const missing = !helmBinary;

describe.skipIf(missing)(
  `RBAC derived from the requests really made${missing ? " — skipped: helm not found" : ""}`,
  () => {
    let cluster: FakeApiCluster;
    let handle: DatabaseHandle;
    let roles: { controller: PolicyRule[]; web: PolicyRule[] };
    const byCaller = (token: string) =>
      cluster.api.requests.filter((r) => r.headers.authorization === `Bearer ${token}`);

    beforeAll(async () => {
      const { objects } = await createHelm({ binary: helmBinary as string }).template({
        release: "storeplane",
        chart: `${CHARTS_DIR}/platform`,
        namespace: "storeplane",
        valuesFiles: [],
      });
      const role = (component: string) => {
        const found = objects.find(
          (o) =>
            o.kind === "ClusterRole" &&
            o.metadata.labels?.["app.kubernetes.io/component"] === component,
        );
        if (!found) throw new Error(`charts/platform renders no ${component} ClusterRole`);
        return (found as unknown as { rules: PolicyRule[] }).rules;
      };
      roles = { controller: role("controller"), web: role("web") };
      // Only ClusterRoles are bound (ClusterRoleBindings): a namespaced Role would need its own check.
      expect(objects.filter((o) => o.kind === "Role" || o.kind === "RoleBinding")).toEqual([]);

      cluster = await FakeApiCluster.start();
      handle = await openDatabase();
      await migrateToLatest(handle.db);
      await driveLifecycle(cluster, handle);
    }, 90_000);

    afterAll(async () => {
      await cluster?.close();
      await handle?.close();
    });

    it("the backup runner's requests are among them (Job, its Secret and NetworkPolicy applied, the Job read)", () => {
      const runner = byCaller(CONTROLLER_TOKEN).flatMap((r) =>
        r.rbac.map((a) => `${a.verb} ${a.apiGroup}/${a.resource} ${a.name}`),
      );
      expect(runner).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^patch batch\/jobs backup-/),
          expect.stringMatching(/^get batch\/jobs backup-/),
          "patch networking.k8s.io/networkpolicies allow-backup-egress",
          "patch /secrets storeplane-backup-target",
        ]),
      );
    });

    it("the lifecycle made requests as both callers", () => {
      expect(byCaller(CONTROLLER_TOKEN).length).toBeGreaterThan(20);
      expect(byCaller(WEB_TOKEN).length).toBeGreaterThan(3);
      // Every request reached a known resource (none is left out of the check).
      const unmapped = cluster.api.requests.filter(
        (r) => r.path !== "/version" && r.rbac.length === 0,
      );
      expect(unmapped.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    });

    it("every request the controller made is allowed by its rendered ClusterRole", () => {
      expect(denied(roles.controller, byCaller(CONTROLLER_TOKEN))).toEqual([]);
    });

    it("every request the API's cluster reader made is allowed by the web ClusterRole", () => {
      expect(denied(roles.web, byCaller(WEB_TOKEN))).toEqual([]);
    });

    it.each([
      ["controller", CONTROLLER_TOKEN, CONTROLLER_EXCEPTIONS],
      ["web", WEB_TOKEN, WEB_EXCEPTIONS],
    ] as const)(
      "every rule of the %s ClusterRole was used, or is an exception with a reason",
      (name, token, exceptions) => {
        const rules = name === "controller" ? roles.controller : roles.web;
        const used = usedTriples(byCaller(token));
        const unused = triples(rules).filter((t) => !used.has(t) && !exceptions.has(t));
        expect(unused, "granted, never used, no exception: remove the rule or list why").toEqual(
          [],
        );
        // An exception for something not granted is stale.
        const granted = new Set(triples(rules));
        expect([...exceptions.keys()].filter((t) => !granted.has(t))).toEqual([]);
      },
    );

    it("a request without a rule is reported (the check can fail)", () => {
      const fake: RecordedRequest = {
        method: "DELETE",
        path: "/api/v1/namespaces/x/pods",
        query: {},
        headers: {},
        body: "",
        rbac: [
          {
            verb: "deletecollection",
            apiGroup: "",
            resource: "pods",
            subresource: "",
            namespace: "x",
            name: "",
          },
        ],
      };
      expect(denied(roles.controller, [fake])).toEqual([
        "deletecollection core/pods (DELETE /api/v1/namespaces/x/pods)",
      ]);
    });
  },
);

/**
 * One backup of `store` as the controller's backup runner (beside the loop)
 * makes it, with the controller's credentials: the target Secret, the
 * allow-backup-egress NetworkPolicy and the Job server-side applied, then
 * the Job read until the fake cluster's job controller completes it, then the
 * manifest looked for in an object store that refuses connections (the
 * attempt is put back for a retry: no S3 here, only the Kubernetes requests
 * matter).
 */
async function driveBackup(cluster: FakeApiCluster, handle: DatabaseHandle, store: Store) {
  const settings = readBackupSettings({
    BACKUPS_ENABLED: "true",
    BACKUP_IMAGE: "storeplane/backup:rbac",
    BACKUP_S3_ENDPOINT: "http://127.0.0.1:9",
    BACKUP_S3_BUCKET: "rbac-backups",
    AWS_ACCESS_KEY_ID: "rbac-key",
    AWS_SECRET_ACCESS_KEY: "rbac-secret",
    BACKUP_EGRESS_NAMESPACE: "storeplane",
    BACKUP_EGRESS_PORT: "7070",
  });
  if (!settings) throw new Error("backup settings should parse");
  const runner = createBackupRunner({
    db: handle.db,
    cluster: cluster.connect("backup-runner", CONTROLLER_TOKEN),
    settings,
    logger: pino({ level: "silent" }),
  });
  const requested = await requestBackup(handle.db, {
    storeId: store.id,
    kind: "on-demand",
    requestedBy: "rbac-test",
  });
  if (!("backup" in requested)) throw new Error(requested.refused);
  const id = requested.backup.id;
  await runner.runOnce();
  expect(await findBackupById(handle.db, id)).toMatchObject({ status: "running" });
  const jobName = backupJobName(id, 1);
  await waitFor(
    "the backup Job read back and its result looked for",
    async () => {
      await runner.runOnce();
      const row = await findBackupById(handle.db, id);
      return row?.status !== "running" && row?.error ? row : undefined;
    },
    20_000,
    50,
  );
  expect(cluster.api.get("batch", "jobs", `store-${store.name}`, jobName)).toBeDefined();
}

/**
 * A store's whole life as the controller and the API see it: create with a
 * pull Secret to copy → Ready; a second store whose namespace a dead replica
 * created without labels and whose release it left pending-install (label
 * patch, unlock); drift repair; the dashboard's reads; deletion.
 */
async function driveLifecycle(cluster: FakeApiCluster, handle: DatabaseHandle): Promise<void> {
  const { api } = cluster;
  api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: PULL_SECRET.namespace } });
  api.put({
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: { name: PULL_SECRET.name, namespace: PULL_SECRET.namespace },
    data: { ".dockerconfigjson": Buffer.from("{}").toString("base64") },
  });
  const connectAs = { connect: (id: string) => cluster.connect(id, CONTROLLER_TOKEN) };
  const config = { driftIntervalMs: 100, storeImagePullSecret: PULL_SECRET };
  const [shop, stuck] = (await createStores(handle, 2, {
    prefix: "rbac",
    engine: "woocommerce",
  })) as [Store, Store];
  const stuckNs = `store-${stuck.name}`;
  await cluster
    .connect("dead-replica", CONTROLLER_TOKEN)
    .ensureNamespace({ name: stuckNs, labels: {} });
  cluster.strandRelease(stuckNs, "store", "pending-install");

  const loop = startController(handle, connectAs, { config });
  await loop.start();
  try {
    await waitForPhase(handle, [shop.id, stuck.id], "Ready", 20_000);
    expect(api.get("", "secrets", `store-${shop.name}`, PULL_SECRET.name)).toBeDefined();
    cluster.deleteObjectBehindTheBack(`store-${shop.name}`, "NetworkPolicy", "default-deny");
    await waitFor("guardrail repaired", async () =>
      api.get("networking.k8s.io", "networkpolicies", `store-${shop.name}`, "default-deny"),
    );

    // A rollout's health gate asks the engine through the service proxy, as the controller.
    api.serveServiceBackend(({ path }) => ({ status: 200, body: `ok ${path}` }));
    const health = await createRolloutHealthCheck(
      cluster.connect("rollout-driver", CONTROLLER_TOKEN),
      new ChartCatalog(CHARTS_DIR, "local"),
    )({
      storeName: shop.name,
      engine: "woocommerce",
      chartVersion: new ChartCatalog(CHARTS_DIR, "local").defaultVersion("woocommerce"),
    });
    expect(health).toMatchObject({ ok: true, status: 200, path: "/wp-login.php" });

    await driveBackup(cluster, handle, shop);

    const reader = createClusterReader({ kubeConfig: api.kubeConfig(WEB_TOKEN) });
    expect((await reader.info()).reachable).toBe(true);
    expect(await reader.credentials(shop.name)).toMatchObject({ username: expect.any(String) });
    expect((await reader.resources(shop.name)).pods.length).toBeGreaterThan(0);
    expect(
      api.get("", "secrets", `store-${shop.name}`, STORE_SECRET_NAME)?.metadata.labels,
    ).toMatchObject({
      [LABELS.managedBy]: "storeplane",
    });

    await requestDeletion(handle, [shop.id, stuck.id]);
    await waitFor(
      "both deleted",
      async () =>
        (await storesById(handle, [shop.id, stuck.id])).every((s) => s.deleted_at !== null),
      20_000,
    );
  } finally {
    await loop.stop();
  }
}
