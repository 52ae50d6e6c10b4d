// Level: the fake API server (real client-node: real /scale reads and merge
// patches, real server-side apply) with a real database (PGlite and
// Postgres). The fake API server runs no controllers: the test removes the
// app's pods once its Deployments are at zero, as the ReplicaSet controller
// would, and writes the Job's Complete or Failed condition, as the job
// controller would (batch/v1 JobStatus).
import {
  completeBackup,
  type Database,
  markBackupRunning,
  requestBackup,
  requestRestore,
  type Store,
} from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createKubeCluster, LABELS, type ReleaseSpec, storeNamespace } from "@storeplane/k8s";
import { createRecordingHelm, FakeApiServer } from "@storeplane/k8s/testing";
import type { Kysely } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { readBackupSettings } from "./backup-env.ts";
import { BACKUP_POLICY_NAME, BACKUP_TARGET_SECRET } from "./job-spec.ts";
import { buildRestoreJob, restoreJobName } from "./restore-job-spec.ts";
import { createRestoreRunner } from "./restore-runner.ts";

let api: FakeApiServer;
let counter = 0;
beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(() => api?.close());

const settings = (() => {
  const s = readBackupSettings({
    BACKUPS_ENABLED: "true",
    BACKUP_IMAGE: "storeplane/backup:test",
    BACKUP_S3_ENDPOINT: "http://127.0.0.1:9",
    BACKUP_S3_BUCKET: "backups",
    BACKUP_S3_FORCE_PATH_STYLE: "true",
    AWS_ACCESS_KEY_ID: "AKID",
    AWS_SECRET_ACCESS_KEY: "secret-key-for-test",
    BACKUP_EGRESS_CIDR: "127.0.0.1/32",
  });
  if (!s) throw new Error("backups should be enabled");
  return s;
})();

describeEachDatabase("the restore runner", ({ handle }) => {
  beforeEach(async () => {
    api.reset();
    await resetDatabase(handle());
  });
  const db = (): Kysely<Database> => handle().db;

  async function storeRow(phase: "Ready" | "Provisioning", name?: string): Promise<Store> {
    counter += 1;
    const owner = await db()
      .insertInto("users")
      .values({
        email: `restore${counter}-${Date.now()}@example.test`,
        password_hash: "x",
        role: "member",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return db()
      .insertInto("stores")
      .values({
        name: name ?? `rst-${counter}`,
        engine: "medusa",
        plan: "small",
        owner_id: owner.id,
        phase,
        store_url: `http://${name ?? `rst-${counter}`}.localhost`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The Medusa chart's objects as the API server holds them once Ready (charts/medusa/templates). */
  function seedCluster(store: Store) {
    const ns = storeNamespace(store.name);
    const label = { [LABELS.managedBy]: "storeplane", [LABELS.storeId]: store.id };
    api.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: label } });
    const workload = (kind: "Deployment" | "StatefulSet", name: string, replicas: number) =>
      api.put({
        apiVersion: "apps/v1",
        kind,
        metadata: { name, namespace: ns, labels: label },
        spec: {
          replicas,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [] } },
        },
        status: { replicas, readyReplicas: replicas },
      });
    workload("Deployment", "store-medusa", 2);
    workload("Deployment", "store-redis", 1);
    workload("StatefulSet", "store-postgres", 1);
    const pod = (name: string, owner: { kind: string; name: string }, hash?: string) =>
      api.put({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name,
          namespace: ns,
          labels: { ...label, ...(hash ? { "pod-template-hash": hash } : {}) },
          ownerReferences: [{ apiVersion: "apps/v1", controller: true, uid: name, ...owner }],
        },
        status: { phase: "Running" },
      });
    pod("store-medusa-5d8f-a", { kind: "ReplicaSet", name: "store-medusa-5d8f" }, "5d8f");
    pod("store-redis-77aa-b", { kind: "ReplicaSet", name: "store-redis-77aa" }, "77aa");
    pod("store-postgres-0", { kind: "StatefulSet", name: "store-postgres" });
    return ns;
  }

  /** The ReplicaSet controller's part: the pods of a Deployment at zero go. */
  function removeAppPods(ns: string) {
    for (const name of ["store-medusa-5d8f-a", "store-redis-77aa-b"]) {
      const live = api.get("", "pods", ns, name);
      if (live)
        api.store.commit(
          "DELETED",
          { group: "", version: "v1", kind: "Pod", resource: "pods", namespaced: true },
          live,
        );
    }
  }

  function setJobStatus(ns: string, name: string, status: Record<string, unknown>) {
    const live = api.get("batch", "jobs", ns, name);
    if (!live) throw new Error(`Job ${ns}/${name} was not created`);
    api.put({ ...live, status });
  }

  async function backupOf(store: Store) {
    const requested = await requestBackup(db(), {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "t",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    await markBackupRunning(db(), requested.backup.id, new Date());
    await completeBackup(
      db(),
      requested.backup.id,
      { sizeBytes: 10, durationMs: 10, sha256: "c".repeat(64), objectKey: "k" },
      new Date(),
    );
    return requested.backup;
  }

  async function restoreInto(
    store: Store,
    backupId: string,
    kind: "restore" | "clone" = "restore",
  ) {
    const r = await requestRestore(db(), {
      backupId,
      targetStoreId: store.id,
      kind,
      requestedBy: "t",
    });
    if (!("restore" in r)) throw new Error(r.refused);
    return r.restore;
  }

  const row = (id: string) =>
    db().selectFrom("store_restores").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const replicas = (ns: string, resource: string, name: string) =>
    (api.get("apps", resource, ns, name)?.spec as { replicas?: number } | undefined)?.replicas;
  const events = async (storeId: string) =>
    (
      await db()
        .selectFrom("store_events")
        .select(["reason", "message"])
        .where("store_id", "=", storeId)
        .orderBy("id")
        .execute()
    ).map((e) => e.reason);

  /** The helm the runner's cluster was given: a Medusa clone upgrades its release once. */
  let helm = createRecordingHelm();
  const releaseOf = (s: Store): ReleaseSpec => ({
    namespace: storeNamespace(s.name),
    release: "store",
    chart: "/charts/medusa",
    valuesFiles: [],
    values: { store: { id: s.id } },
    valuesDigest: "digest-of-the-loop",
    timeoutSeconds: 300,
  });
  const upgrades = () => helm.calls.filter((c) => c.method === "upgradeInstall");

  function runner() {
    helm = createRecordingHelm();
    const cluster = createKubeCluster({
      kubeConfig: api.kubeConfig(),
      helm,
      timeoutMs: 2_000,
      watchCache: false,
    });
    return createRestoreRunner({
      db: db(),
      cluster,
      settings,
      logger: pino({ level: process.env.RUNNER_LOG ?? "silent" }),
      releaseOf,
    });
  }

  it("scales the app to zero (not the database), applies the Job once the pods are gone, and on Complete scales back and succeeds", async () => {
    const store = await storeRow("Ready");
    const ns = seedCluster(store);
    const backup = await backupOf(store);
    const restore = await restoreInto(store, backup.id);
    const r = runner();

    await r.runOnce();
    expect(await row(restore.id)).toMatchObject({
      status: "running",
      job_name: null,
      scaled_workloads: [
        { kind: "Deployment", name: "store-medusa", replicas: 2 },
        { kind: "Deployment", name: "store-redis", replicas: 1 },
      ],
    });
    expect(replicas(ns, "deployments", "store-medusa")).toBe(0);
    expect(replicas(ns, "deployments", "store-redis")).toBe(0);
    expect(replicas(ns, "statefulsets", "store-postgres")).toBe(1);
    const scaleCalls = api.requests.filter(
      (q) => q.path.endsWith("/scale") && q.method === "PATCH",
    );
    expect(scaleCalls.map((q) => q.path)).toEqual([
      `/apis/apps/v1/namespaces/${ns}/deployments/store-medusa/scale`,
      `/apis/apps/v1/namespaces/${ns}/deployments/store-redis/scale`,
    ]);

    // The app's pods are still there: no Job yet.
    await r.runOnce();
    expect(api.get("batch", "jobs", ns, restoreJobName(restore.id))).toBeUndefined();
    removeAppPods(ns);
    await r.runOnce();
    const job = api.get("batch", "jobs", ns, restoreJobName(restore.id));
    const expected = buildRestoreJob({
      store: { id: store.id, name: store.name, engine: "medusa", url: store.store_url ?? "" },
      restoreId: restore.id,
      backup: { id: backup.id, storeName: store.name, manifestSha256: "c".repeat(64) },
      image: settings.image,
      wordpressImage: settings.restoreWordpressImage,
      target: settings.target,
    });
    expect(job?.spec).toMatchObject(expected.spec as object);
    expect(api.get("", "secrets", ns, BACKUP_TARGET_SECRET)).toBeDefined();
    expect(api.get("networking.k8s.io", "networkpolicies", ns, BACKUP_POLICY_NAME)).toBeDefined();
    expect(await row(restore.id)).toMatchObject({ job_name: restoreJobName(restore.id) });

    // Still running: a pass only looks.
    await r.runOnce();
    expect(await row(restore.id)).toMatchObject({ status: "running" });
    setJobStatus(ns, restoreJobName(restore.id), {
      succeeded: 1,
      conditions: [
        { type: "SuccessCriteriaMet", status: "True" },
        { type: "Complete", status: "True" },
      ],
    });
    await r.runOnce();
    expect(await row(restore.id)).toMatchObject({ status: "succeeded", error: null });
    expect(replicas(ns, "deployments", "store-medusa")).toBe(2);
    expect(replicas(ns, "deployments", "store-redis")).toBe(1);
    expect(api.get("batch", "jobs", ns, restoreJobName(restore.id))).toBeUndefined();
    expect(await events(store.id)).toEqual(["RestoreStarted", "RestoreSucceeded"]);
    // A restore into the same store keeps its admin: no helm run at all.
    expect(helm.calls).toEqual([]);
  });

  it("a failed Job fails the restore with the Job's reason and its script's (no retry) and still scales the app back", async () => {
    const store = await storeRow("Ready");
    const ns = seedCluster(store);
    const backup = await backupOf(store);
    const restore = await restoreInto(store, backup.id);
    const r = runner();
    await r.runOnce();
    removeAppPods(ns);
    await r.runOnce();
    // The Job controller's pod (labelled job-name=<job>, kubernetes.io/docs/concepts/workloads/controllers/job/),
    // whose download container exited 1 after restore.sh wrote its reason to
    // the termination-message file, which the kubelet copies into the status.
    const jobName = restoreJobName(restore.id);
    const reason = `restore: backup ${backup.id} not restored: its objects could not be fetched and verified (nothing was changed)`;
    api.put({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `${jobName}-x7k2p`,
        namespace: ns,
        labels: { "job-name": jobName, "batch.kubernetes.io/job-name": jobName },
        ownerReferences: [
          { apiVersion: "batch/v1", kind: "Job", name: jobName, controller: true, uid: "j" },
        ],
        creationTimestamp: new Date().toISOString(),
      },
      status: {
        phase: "Failed",
        initContainerStatuses: [
          {
            name: "download",
            image: "storeplane-backup",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 1, reason: "Error", message: `${reason}\n` } },
          },
        ],
      },
    });
    setJobStatus(ns, jobName, {
      failed: 1,
      conditions: [
        {
          type: "Failed",
          status: "True",
          reason: "BackoffLimitExceeded",
          message: "Job has reached the specified backoff limit",
        },
      ],
    });
    await r.runOnce();
    const done = await row(restore.id);
    expect(done.status).toBe("failed");
    expect(done.error).toBe(
      `the restore Job failed (BackoffLimitExceeded: Job has reached the specified backoff limit): ${reason}`,
    );
    // The pods were read by their label, in the store's namespace only.
    expect(
      api.requests.some(
        (q) =>
          q.method === "GET" &&
          q.path === `/api/v1/namespaces/${ns}/pods` &&
          q.query.labelSelector === `job-name=${jobName}`,
      ),
    ).toBe(true);
    expect(replicas(ns, "deployments", "store-medusa")).toBe(2);
    expect(replicas(ns, "deployments", "store-redis")).toBe(1);
    expect(await events(store.id)).toEqual(["RestoreStarted", "RestoreFailed"]);
    // Never retried: another pass does nothing.
    api.clearRequests();
    await r.runOnce();
    expect(api.requests.filter((q) => q.method !== "GET")).toEqual([]);
  });

  it("a clone waits for its store's first Ready, then restores from the source's backup with the source URL to rewrite", async () => {
    const source = await storeRow("Ready");
    const backup = await backupOf(source);
    const clone = await storeRow("Provisioning");
    const ns = seedCluster(clone);
    const restore = await restoreInto(clone, backup.id, "clone");
    const r = runner();
    await r.runOnce();
    expect(await row(restore.id)).toMatchObject({ status: "requested" });
    expect(replicas(ns, "deployments", "store-medusa")).toBe(2);
    expect(api.requests.filter((q) => q.path.endsWith("/scale"))).toEqual([]);

    await db().updateTable("stores").set({ phase: "Ready" }).where("id", "=", clone.id).execute();
    await r.runOnce();
    expect(await row(restore.id)).toMatchObject({ status: "running" });
    removeAppPods(ns);
    await r.runOnce();
    const job = api.get("batch", "jobs", ns, restoreJobName(restore.id));
    const env = Object.fromEntries(
      (
        (
          job?.spec as unknown as {
            template: {
              spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }> };
            };
          }
        )?.template.spec.containers[0]?.env ?? []
      ).map((e) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      RESTORE_FROM_STORE: source.name,
      CLONE_FROM_URL: source.store_url,
      STORE_URL: clone.store_url,
    });

    // restore.sh removed the source's admins: before the clone is done, its
    // release runs once more (same values), so the chart's setup Job creates
    // the clone's own admin from its Secret.
    expect(upgrades()).toEqual([]);
    setJobStatus(ns, restoreJobName(restore.id), {
      succeeded: 1,
      conditions: [{ type: "Complete", status: "True" }],
    });
    await r.runOnce();
    expect(await row(restore.id)).toMatchObject({ status: "succeeded" });
    expect(upgrades()).toHaveLength(1);
    expect(upgrades()[0]?.args[0]).toEqual(releaseOf(clone));
    expect(replicas(ns, "deployments", "store-medusa")).toBe(2);
  });
});
