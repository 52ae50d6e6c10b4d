// Level: the fake API server (real client-node, real server-side apply) with
// a real database (PGlite and Postgres). The fake API server runs no job
// controller: the test writes the verify Job's Complete or Failed condition
// itself, in the shape the job controller writes (batch/v1 JobStatus), as
// runner.fakeapi.test.ts does. One case runs on the simulated cluster, whose
// Jobs run nothing: the verification fails there with a labelled reason.
import {
  completeBackup,
  findBackupById,
  markBackupRunning,
  requestBackup,
  requestBackupVerification,
  requestStoreDeletion,
  type Store,
} from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createKubeCluster, LABELS, storeNamespace } from "@storeplane/k8s";
import { createSimulatedCluster, ManualClock } from "@storeplane/k8s/simulated";
import { createRecordingHelm, FakeApiServer } from "@storeplane/k8s/testing";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { readBackupSettings } from "./backup-env.ts";
import { BACKUP_TARGET_SECRET } from "./job-spec.ts";
import { buildVerifyJob, VERIFY_POLICY_NAME, verifyJobName } from "./verify-job-spec.ts";
import { createVerifyRunner, readVerifyImages, SIMULATED_NO_VERIFY } from "./verify-runner.ts";

let api: FakeApiServer;
let counter = 0;
const SHA = "f".repeat(64);

beforeAll(async () => {
  api = await new FakeApiServer().start();
});
afterAll(async () => {
  await api?.close();
});

const settings = (() => {
  const s = readBackupSettings({
    BACKUPS_ENABLED: "true",
    BACKUP_IMAGE: "storeplane/backup:test",
    BACKUP_S3_ENDPOINT: "http://127.0.0.1:9",
    BACKUP_S3_BUCKET: "backups",
    BACKUP_S3_FORCE_PATH_STYLE: "true",
    AWS_ACCESS_KEY_ID: "AKIAVERIFY",
    AWS_SECRET_ACCESS_KEY: "verify-secret-key",
    BACKUP_EGRESS_CIDR: "127.0.0.1/32",
  });
  if (!s) throw new Error("backups should be enabled");
  return s;
})();

function finishJob(namespace: string, name: string, outcome: "complete" | "failed") {
  const live = api.get("batch", "jobs", namespace, name);
  if (!live) throw new Error(`Job ${namespace}/${name} was not created`);
  // batch/v1 JobStatus as the job controller writes it (success, or backoffLimit 0 reached).
  api.put({
    ...live,
    status:
      outcome === "complete"
        ? {
            succeeded: 1,
            conditions: [
              { type: "SuccessCriteriaMet", status: "True" },
              { type: "Complete", status: "True" },
            ],
          }
        : {
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
}

describeEachDatabase("the verify runner", ({ handle }) => {
  beforeEach(async () => {
    api.reset();
    await resetDatabase(handle());
  });

  async function storeWithVerifiedBackup(): Promise<{ store: Store; backupId: string }> {
    const { db } = handle();
    counter += 1;
    const owner = await db
      .insertInto("users")
      .values({
        email: `verify${counter}-${Date.now()}@example.test`,
        password_hash: "x",
        role: "member",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const store = await db
      .insertInto("stores")
      .values({
        name: `ver-${counter}`,
        engine: "medusa",
        plan: "small",
        owner_id: owner.id,
        phase: "Ready",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    api.put({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: storeNamespace(store.name), labels: { [LABELS.managedBy]: "storeplane" } },
    });
    const requested = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "t",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    const backupId = requested.backup.id;
    await markBackupRunning(db, backupId, new Date());
    await completeBackup(
      db,
      backupId,
      { sizeBytes: 10, durationMs: 1, sha256: SHA, objectKey: "k" },
      new Date(),
    );
    const verify = await requestBackupVerification(db, { backupId, requestedBy: "t" }, new Date());
    if (!("backup" in verify)) throw new Error(verify.refused);
    return { store, backupId };
  }

  function kube() {
    return createKubeCluster({
      kubeConfig: api.kubeConfig(),
      helm: createRecordingHelm(),
      timeoutMs: 2_000,
      watchCache: false,
    });
  }
  function runner(now?: () => Date) {
    return createVerifyRunner({
      db: handle().db,
      cluster: kube(),
      settings,
      logger: pino({ level: process.env.RUNNER_LOG ?? "silent" }),
      now,
    });
  }

  it("starts a requested verification as the builder's Job, then records it passed with its duration", async () => {
    const { store, backupId } = await storeWithVerifiedBackup();
    let clock = Date.now() + 1_000;
    const r = runner(() => new Date(clock));
    const ns = storeNamespace(store.name);

    await r.runOnce();
    expect(await findBackupById(handle().db, backupId)).toMatchObject({
      verification_status: "running",
      verification_attempts: 1,
      // The backup itself is untouched.
      status: "succeeded",
    });
    const job = api.get("batch", "jobs", ns, verifyJobName(backupId, 1));
    const expected = buildVerifyJob({
      store: { id: store.id, name: store.name, engine: "medusa" },
      backup: { id: backupId, sha256: SHA },
      attempt: 1,
      images: readVerifyImages({}, settings.image),
      target: settings.target,
    });
    expect(job?.spec).toMatchObject(expected.spec as object);
    expect(api.get("networking.k8s.io", "networkpolicies", ns, VERIFY_POLICY_NAME)).toBeDefined();
    expect(api.get("", "secrets", ns, BACKUP_TARGET_SECRET)).toBeDefined();

    clock += 5_000;
    await r.runOnce();
    expect((await findBackupById(handle().db, backupId))?.verification_status).toBe("running");

    clock += 20_000;
    finishJob(ns, verifyJobName(backupId, 1), "complete");
    await r.runOnce();
    const row = await findBackupById(handle().db, backupId);
    expect(row).toMatchObject({ verification_status: "passed", verification_error: null });
    expect(row?.verification_duration_ms).toBe(25_000);
    expect(row?.verified_at?.getTime()).toBe(clock);
  });

  it("records a failed Job with its reason and where verify.sh's own reason is; a new request runs a new Job", async () => {
    const { store, backupId } = await storeWithVerifiedBackup();
    const r = runner();
    const ns = storeNamespace(store.name);
    await r.runOnce();
    finishJob(ns, verifyJobName(backupId, 1), "failed");
    await r.runOnce();
    const failed = await findBackupById(handle().db, backupId);
    expect(failed?.verification_status).toBe("failed");
    expect(failed?.verification_error).toBe(
      `the verify Job ${verifyJobName(backupId, 1)} failed (BackoffLimitExceeded: Job has reached the specified backoff limit); its reason is in \`kubectl -n ${ns} logs job/${verifyJobName(backupId, 1)} --all-containers\``,
    );

    await requestBackupVerification(handle().db, { backupId, requestedBy: "t" }, new Date());
    await r.runOnce();
    expect(api.get("batch", "jobs", ns, verifyJobName(backupId, 2))).toBeDefined();
    expect((await findBackupById(handle().db, backupId))?.verification_attempts).toBe(2);
  });

  it("fails a verification whose Job vanished, and one of a store being deleted, without applying anything", async () => {
    const { store, backupId } = await storeWithVerifiedBackup();
    const r = runner();
    const ns = storeNamespace(store.name);
    await r.runOnce();
    // Deleted by someone else (kubectl, or its TTL after a controller outage).
    await kube().deleteJob(ns, verifyJobName(backupId, 1));
    await r.runOnce();
    expect(await findBackupById(handle().db, backupId)).toMatchObject({
      verification_status: "failed",
      verification_error: `the verify Job ${verifyJobName(backupId, 1)} is gone before it finished`,
    });

    const other = await storeWithVerifiedBackup();
    await requestStoreDeletion(handle().db, other.store.id);
    await r.runOnce();
    expect(await findBackupById(handle().db, other.backupId)).toMatchObject({
      verification_status: "failed",
      verification_error: "the store is deleted or being deleted",
    });
    expect(
      api.get("batch", "jobs", storeNamespace(other.store.name), verifyJobName(other.backupId, 1)),
    ).toBeUndefined();
  });

  it("on the simulated cluster fails with the labelled reason instead of pretending to verify", async () => {
    const { backupId } = await storeWithVerifiedBackup();
    const sim = createSimulatedCluster({ clock: new ManualClock(Date.now()) });
    const r = createVerifyRunner({
      db: handle().db,
      cluster: sim.connect("controller"),
      settings,
      logger: pino({ level: "silent" }),
    });
    await r.runOnce();
    expect(await findBackupById(handle().db, backupId)).toMatchObject({
      verification_status: "failed",
      verification_error: SIMULATED_NO_VERIFY,
    });
    expect(SIMULATED_NO_VERIFY).toMatch(/^simulated cluster \(test and demo tool\)/);
  });
});
