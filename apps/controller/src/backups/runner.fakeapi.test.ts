// Level: the fake API server (real client-node, real server-side apply) with
// a real database (PGlite and Postgres) and a real S3-compatible server
// (s3rver). The fake API server runs no job controller: the test writes the
// Job's Complete condition itself, as the job controller would, and writes
// the manifest the backup Job would have written with packages/backup's
// writeBackup.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStore, type ObjectStore, writeBackup } from "@storeplane/backup";
import { startTestS3Server, type TestS3Server } from "@storeplane/backup/testing";
import { findBackupById, requestBackup, type Store } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createKubeCluster, LABELS, storeNamespace } from "@storeplane/k8s";
import { createRecordingHelm, FakeApiServer } from "@storeplane/k8s/testing";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { readBackupSettings } from "./backup-env.ts";
import { BACKUP_TARGET_SECRET, backupJobName, buildBackupJob } from "./job-spec.ts";
import { createBackupRunner } from "./runner.ts";

let api: FakeApiServer;
let s3: TestS3Server;
let parts: string;
let counter = 0;
const DIGEST = "d-values-1";

beforeAll(async () => {
  api = await new FakeApiServer().start();
  s3 = await startTestS3Server();
  parts = mkdtempSync(join(tmpdir(), "backup-runner-"));
  writeFileSync(join(parts, "database.dump"), "dump bytes");
});
afterAll(async () => {
  await api?.close();
  await s3?.stop();
  if (parts) rmSync(parts, { recursive: true, force: true });
});

// The settings as the controller reads them from the platform chart's variables.
function settingsFor(endpoint: string) {
  const config = s3.config();
  const settings = readBackupSettings({
    BACKUPS_ENABLED: "true",
    BACKUP_IMAGE: "storeplane/backup:test",
    BACKUP_S3_ENDPOINT: endpoint,
    BACKUP_S3_BUCKET: config.bucket,
    BACKUP_S3_REGION: config.region,
    BACKUP_S3_FORCE_PATH_STYLE: "true",
    AWS_ACCESS_KEY_ID: config.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.secretAccessKey,
    BACKUP_EGRESS_CIDR: "127.0.0.1/32",
  });
  if (!settings) throw new Error("backups should be enabled");
  return settings;
}

function completeJob(namespace: string, name: string) {
  const live = api.get("batch", "jobs", namespace, name);
  if (!live) throw new Error(`Job ${namespace}/${name} was not created`);
  // batch/v1 JobStatus as the job controller writes it on success.
  api.put({
    ...live,
    status: {
      succeeded: 1,
      conditions: [
        { type: "SuccessCriteriaMet", status: "True" },
        { type: "Complete", status: "True" },
      ],
    },
  });
}

describeEachDatabase("the backup runner", ({ handle }) => {
  beforeEach(async () => {
    api.reset();
    await resetDatabase(handle());
  });

  async function readyStore(): Promise<Store> {
    const { db } = handle();
    counter += 1;
    const owner = await db
      .insertInto("users")
      .values({
        email: `runner${counter}-${Date.now()}@example.test`,
        password_hash: "x",
        role: "member",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const store = await db
      .insertInto("stores")
      .values({
        name: `run-${counter}`,
        engine: "medusa",
        plan: "small",
        owner_id: owner.id,
        phase: "Ready",
        chart_version: "0.1.0",
        deployed_chart_version: "0.1.0",
        store_url: `http://run-${counter}.localhost`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // The namespace the store's reconcile made.
    api.put({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: storeNamespace(store.name), labels: { [LABELS.managedBy]: "storeplane" } },
    });
    // Helm's release record of its deployed release (the runner reads its values digest).
    api.put({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "sh.helm.release.v1.store.v1",
        namespace: storeNamespace(store.name),
        labels: {
          owner: "helm",
          name: "store",
          status: "deployed",
          version: "1",
          [LABELS.valuesDigest]: DIGEST,
        },
      },
      type: "helm.sh/release.v1",
    });
    return store;
  }

  function runner(objects?: ObjectStore, endpoint = s3.endpoint, now?: () => Date) {
    const cluster = createKubeCluster({
      kubeConfig: api.kubeConfig(),
      helm: createRecordingHelm(),
      timeoutMs: 2_000,
      watchCache: false,
    });
    const settings = settingsFor(endpoint);
    return {
      settings,
      runner: createBackupRunner({
        db: handle().db,
        cluster,
        settings,
        objects,
        logger: pino({ level: process.env.RUNNER_LOG ?? "silent" }),
        policy: { maxAttempts: 2, baseBackoffMs: 60_000, maxBackoffMs: 600_000 },
        now,
      }),
    };
  }

  it("starts a requested backup as the builders' Job, then records it from the manifest in the bucket", async () => {
    const store = await readyStore();
    const requested = await requestBackup(handle().db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "test",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    const id = requested.backup.id;
    const { runner: r, settings } = runner();
    const ns = storeNamespace(store.name);

    await r.runOnce();
    expect(await findBackupById(handle().db, id)).toMatchObject({ status: "running", attempts: 1 });
    const job = api.get("batch", "jobs", ns, backupJobName(id, 1));
    const expected = buildBackupJob({
      store: {
        id: store.id,
        name: store.name,
        engine: "medusa",
        plan: "small",
        url: store.store_url ?? "",
        chartVersion: "0.1.0",
        valuesDigest: DIGEST,
      },
      backupId: id,
      attempt: 1,
      image: settings.image,
      target: settings.target,
    });
    expect(job?.spec).toMatchObject(expected.spec as object);
    expect(
      api.get("networking.k8s.io", "networkpolicies", ns, "allow-backup-egress"),
    ).toBeDefined();
    expect(api.get("", "secrets", ns, BACKUP_TARGET_SECRET)).toBeDefined();

    // Still running: a second pass only looks.
    await r.runOnce();
    expect(await findBackupById(handle().db, id)).toMatchObject({ status: "running", attempts: 1 });

    completeJob(ns, backupJobName(id, 1));
    const written = await writeBackup(
      createObjectStore(s3.config()),
      {
        store: store.name,
        backupId: id,
        engine: "medusa",
        plan: "small",
        chartVersion: "0.1.0",
        valuesDigest: DIGEST,
        url: store.store_url ?? "",
      },
      parts,
    );
    await r.runOnce();
    const row = await findBackupById(handle().db, id);
    expect(row).toMatchObject({
      status: "succeeded",
      sha256: written.manifestSha256,
      object_key: written.manifestKey,
      error: null,
    });
    expect(Number(row?.size_bytes)).toBe(written.size);
    const after = await handle()
      .db.selectFrom("stores")
      .select("phase")
      .where("id", "=", store.id)
      .executeTakeFirstOrThrow();
    expect(after.phase).toBe("Ready");
  });

  it("an unreachable object store puts the reason on the row and a retry later; the store stays Ready", async () => {
    const store = await readyStore();
    const requested = await requestBackup(handle().db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "test",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    const id = requested.backup.id;
    // Nothing listens on port 9 of localhost (discard): connection refused.
    const unreachable = "http://127.0.0.1:9";
    const { runner: r } = runner(
      createObjectStore({ ...s3.config(), endpoint: unreachable }),
      unreachable,
    );
    const ns = storeNamespace(store.name);
    await r.runOnce();
    completeJob(ns, backupJobName(id, 1));
    const before = Date.now();
    await r.runOnce();
    const row = await findBackupById(handle().db, id);
    expect(row?.status).toBe("requested");
    expect(row?.error).toMatch(/the object store is unreachable .*; retrying at /);
    expect(row?.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    const after = await handle()
      .db.selectFrom("stores")
      .select("phase")
      .where("id", "=", store.id)
      .executeTakeFirstOrThrow();
    expect(after.phase).toBe("Ready");
  });

  it("a failed Job is retried as a new Job after the backoff, and the backup fails once the attempts are spent", async () => {
    const store = await readyStore();
    const requested = await requestBackup(handle().db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "test",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    const id = requested.backup.id;
    let clock = Date.now() + 1_000;
    const { runner: r } = runner(undefined, s3.endpoint, () => new Date(clock));
    const ns = storeNamespace(store.name);
    const failJob = (name: string) => {
      const live = api.get("batch", "jobs", ns, name);
      if (!live) throw new Error(`Job ${name} was not created`);
      // What the job controller writes when backoffLimit 0 is reached.
      api.put({
        ...live,
        status: {
          failed: 1,
          conditions: [
            {
              type: "Failed",
              status: "True",
              reason: "BackoffLimitExceeded",
              message: "Job has reached the specified backoff limit",
            },
          ],
        },
      });
    };

    await r.runOnce();
    failJob(backupJobName(id, 1));
    await r.runOnce();
    let row = await findBackupById(handle().db, id);
    expect(row?.status).toBe("requested");
    expect(row?.error).toMatch(/the backup Job failed \(BackoffLimitExceeded: .*\); retrying at /);
    // Not before the backoff.
    await r.runOnce();
    expect(api.get("batch", "jobs", ns, backupJobName(id, 2))).toBeUndefined();
    clock += 60_000;
    await r.runOnce();
    expect(await findBackupById(handle().db, id)).toMatchObject({ status: "running", attempts: 2 });
    failJob(backupJobName(id, 2));
    await r.runOnce();
    row = await findBackupById(handle().db, id);
    expect(row?.status).toBe("failed");
    expect(row?.error).toMatch(/gave up after 2 attempts/);
  });
});
