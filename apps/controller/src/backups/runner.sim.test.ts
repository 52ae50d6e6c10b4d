// Level: the simulated cluster (a TEST TOOL) with a real database (PGlite and
// Postgres). The simulated job controller completes a backup Job after its
// delay but runs nothing, so the runner must not record a backup: it fails it
// with a reason that says so, and the store stays Ready.
import { resolve } from "node:path";
import { startTestS3Server, type TestS3Server } from "@storeplane/backup/testing";
import { findBackupById, requestBackup } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { storeNamespace } from "@storeplane/k8s";
import { createSimulatedCluster, ManualClock } from "@storeplane/k8s/simulated";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { readBackupSettings } from "./backup-env.ts";
import { backupJobName } from "./job-spec.ts";
import { createBackupRunner, SIMULATED_NO_DATA } from "./runner.ts";

const MEDUSA_CHART = resolve(import.meta.dirname, "../../../../charts/medusa");
let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startTestS3Server();
});
afterAll(() => s3?.stop());

describeEachDatabase("the backup runner on the simulated cluster", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("runs the backup Job to Complete, then fails the backup as having no data, the store still Ready", async () => {
    const { db } = handle();
    const owner = await db
      .insertInto("users")
      .values({ email: `sim-${Date.now()}@example.test`, password_hash: "x", role: "member" })
      .returningAll()
      .executeTakeFirstOrThrow();
    const store = await db
      .insertInto("stores")
      .values({
        name: "sim-b",
        engine: "medusa",
        plan: "small",
        owner_id: owner.id,
        phase: "Ready",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // From now: the backup row's next_attempt_at is the database's now().
    const clock = new ManualClock(Date.now() + 1_000);
    const sim = createSimulatedCluster({
      clock,
      latencies: {
        apiCallMs: 0,
        helmInstallMs: 10,
        helmUninstallMs: 0,
        helmUnlockMs: 0,
        workloadsReadyMs: 100,
        jobCompleteMs: 500,
        namespaceTerminationMs: 100,
      },
    });
    const cluster = sim.connect("controller");
    const ns = storeNamespace(store.name);
    await cluster.ensureNamespace({ name: ns, labels: {} });
    const install = cluster.installRelease({
      namespace: ns,
      release: "store",
      chart: MEDUSA_CHART,
      valuesFiles: [],
      values: {},
      valuesDigest: "d1",
      timeoutSeconds: 30,
    });
    await clock.advance(10);
    await install;
    const config = s3.config();
    const settings = readBackupSettings({
      BACKUPS_ENABLED: "true",
      BACKUP_IMAGE: "storeplane/backup:test",
      BACKUP_S3_ENDPOINT: config.endpoint,
      BACKUP_S3_BUCKET: config.bucket,
      AWS_ACCESS_KEY_ID: config.accessKeyId,
      AWS_SECRET_ACCESS_KEY: config.secretAccessKey,
    });
    if (!settings) throw new Error("backups should be enabled");
    const runner = createBackupRunner({
      db,
      cluster,
      settings,
      logger: pino({ level: process.env.RUNNER_LOG ?? "silent" }),
      now: () => new Date(clock.now()),
    });
    const requested = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "test",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    const id = requested.backup.id;

    await runner.runOnce();
    expect(await findBackupById(db, id)).toMatchObject({ status: "running", attempts: 1 });
    expect(await cluster.readJob(ns, backupJobName(id, 1))).toMatchObject({ complete: false });
    await clock.advance(500);
    await runner.runOnce();
    expect(await findBackupById(db, id)).toMatchObject({
      status: "failed",
      error: SIMULATED_NO_DATA,
      sha256: null,
    });
    const after = await db
      .selectFrom("stores")
      .select("phase")
      .where("id", "=", store.id)
      .executeTakeFirstOrThrow();
    expect(after.phase).toBe("Ready");
  });
});
