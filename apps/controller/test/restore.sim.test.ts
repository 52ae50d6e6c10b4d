// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// SIMULATED cluster (test tool). A restore through the real controller loop
// and the restore runner: the store shows Restoring while its app is scaled
// to zero and the loop runs no helm for it; the simulated Job completes
// without running anything, so the restore is failed with a labelled reason
// (never "succeeded"), the app is scaled back and the store is Ready again.
import {
  completeBackup,
  listStoreEvents,
  makeStoresDue,
  markBackupRunning,
  notifyStoreChanged,
  requestBackup,
  requestRestore,
} from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import pino from "pino";
import { beforeEach, expect, it } from "vitest";
import { readBackupSettings } from "../src/backups/backup-env.ts";
import { restoreJobName } from "../src/backups/restore-job-spec.ts";
import { createRestoreRunner, SIMULATED_NO_RESTORE } from "../src/backups/restore-runner.ts";
import { ChartCatalog, storeReleaseOf } from "../src/desired.ts";
import {
  createStores,
  startController,
  storesById,
  testConfig,
  waitFor,
  waitForPhase,
} from "./harness.ts";

describeEachDatabase("a restore on the simulated cluster", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("shows Restoring with no helm meanwhile, fails the restore as simulated, scales back, and the store is Ready again", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim);
    await loop.start();
    try {
      const { db } = handle();
      const [store] = await createStores(handle(), 1, { engine: "medusa" });
      const id = store!.id;
      const namespace = `store-${store!.name}`;
      await waitForPhase(handle(), [id], "Ready");
      const installs = () => sim.stats().completedInstalls.get(`${namespace}/store`);
      expect(installs()).toBe(1);

      // A complete backup row (the simulated cluster cannot make a real one).
      const requested = await requestBackup(db, {
        storeId: id,
        kind: "on-demand",
        requestedBy: "t",
      });
      if (!("backup" in requested)) throw new Error(requested.refused);
      await markBackupRunning(db, requested.backup.id, new Date());
      await completeBackup(
        db,
        requested.backup.id,
        { sizeBytes: 1, durationMs: 1, sha256: "e".repeat(64), objectKey: "k" },
        new Date(),
      );
      const asked = await requestRestore(db, {
        backupId: requested.backup.id,
        targetStoreId: id,
        kind: "restore",
        requestedBy: "t",
      });
      if (!("restore" in asked)) throw new Error(asked.refused);
      const restoreId = asked.restore.id;
      const settings = readBackupSettings({
        BACKUPS_ENABLED: "true",
        BACKUP_IMAGE: "storeplane/backup:test",
        BACKUP_S3_ENDPOINT: "http://127.0.0.1:9",
        BACKUP_S3_BUCKET: "backups",
        AWS_ACCESS_KEY_ID: "AKID",
        AWS_SECRET_ACCESS_KEY: "secret",
      });
      if (!settings) throw new Error("backups should be enabled");
      const runner = createRestoreRunner({
        db,
        cluster: sim.connect("restore-runner"),
        settings,
        logger: pino({ level: process.env.RUNNER_LOG ?? "silent" }),
        // A plain restore never runs helm; a clone's would go through the loop's own release.
        releaseOf: storeReleaseOf(
          testConfig(),
          new ChartCatalog(testConfig().chartsDir, testConfig().valuesProfile),
        ),
      });
      const row = () =>
        db
          .selectFrom("store_restores")
          .selectAll()
          .where("id", "=", restoreId)
          .executeTakeFirstOrThrow();

      await runner.runOnce();
      expect((await row()).status).toBe("running");
      const [restoring] = await waitForPhase(handle(), [id], "Restoring");
      const ready = restoring!.conditions.find((c) => c.type === "Ready");
      expect(ready).toMatchObject({ status: "False", reason: "Restoring" });
      expect(ready?.message).toContain(`Restoring from backup ${requested.backup.id}`);
      const replicas = (name: string) =>
        sim.list("Deployment", { namespace }).find((d) => d.metadata.name === name)?.spec
          .replicas as number;
      expect(replicas("store-medusa")).toBe(0);
      expect(
        sim.list("StatefulSet", { namespace }).every((s) => (s.spec.replicas as number) > 0),
      ).toBe(true);

      // Until the app's pods are gone and the Job is applied.
      await waitFor("restore Job applied", async () => {
        await runner.runOnce();
        return (await row()).job_name === restoreJobName(restoreId);
      });
      // The loop woken meanwhile (as by any change): still Restoring, still no helm.
      await makeStoresDue(db, [id]);
      await notifyStoreChanged(db, id);
      await new Promise((r) => setTimeout(r, 300));
      expect((await storesById(handle(), [id]))[0]?.phase).toBe("Restoring");
      expect(installs()).toBe(1);

      await waitFor("restore finished", async () => {
        await runner.runOnce();
        return (await row()).status === "failed";
      });
      expect(await row()).toMatchObject({ status: "failed", error: SIMULATED_NO_RESTORE });
      expect(replicas("store-medusa")).toBe(1);
      expect(sim.list("Job", { namespace }).map((j) => j.metadata.name)).not.toContain(
        restoreJobName(restoreId),
      );
      await waitForPhase(handle(), [id], "Ready");
      // The whole restore ran without a single helm upgrade.
      expect(installs()).toBe(1);
      const reasons = (await listStoreEvents(db, id)).map((e) => e.reason);
      expect(reasons).toContain("RestoreStarted");
      expect(reasons).toContain("RestoreFailed");
      expect(reasons).toContain("PhaseRestoring");
    } finally {
      await loop.stop();
    }
  }, 60_000);
});
