// Level: db (PGlite + real Postgres). What the restore runner records, the
// refusals around a running restore (rollout step, deletion), and the
// wake-up a backup or restore request sends.
import { beforeEach, expect, it } from "vitest";
import {
  activeRestoreForStore,
  completeBackup,
  markBackupRunning,
  requestBackup,
  requestRestore,
} from "../src/repositories/backups.ts";
import {
  beginRestore,
  listActiveRestores,
  recordRestoreJob,
} from "../src/repositories/restore-runs.ts";
import { findStoreById, requestStoreDeletion } from "../src/repositories/stores.ts";
import { BACKUP_WORK_CHANNEL } from "../src/wakeup.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

const T0 = new Date("2026-12-02T03:00:00Z");

describeEachDatabase("restore runs", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function storeWithBackup() {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    if (!store) throw new Error("no store");
    const requested = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "user:a",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    await markBackupRunning(db, requested.backup.id, T0);
    await completeBackup(
      db,
      requested.backup.id,
      { sizeBytes: 1, durationMs: 1, sha256: "a".repeat(64), objectKey: "k" },
      T0,
    );
    return { owner, store, backup: requested.backup };
  }

  async function restoreOf(backupId: string, storeId: string) {
    const result = await requestRestore(handle().db, {
      backupId,
      targetStoreId: storeId,
      kind: "restore",
      requestedBy: "user:a",
    });
    if (!("restore" in result)) throw new Error(result.refused);
    return result.restore;
  }

  it("records the scaled workloads on begin (once), then the Job, and lists active restores oldest first", async () => {
    const { db } = handle();
    const { store, backup } = await storeWithBackup();
    const restore = await restoreOf(backup.id, store.id);
    expect(await listActiveRestores(db)).toMatchObject([{ id: restore.id, status: "requested" }]);
    const scaled = [{ kind: "Deployment" as const, name: "store-medusa", replicas: 2 }];
    expect(await beginRestore(db, restore.id, scaled, T0)).toBe(true);
    // A second runner (or a repeat after a crash) does not begin it again.
    expect(await beginRestore(db, restore.id, [], T0)).toBe(false);
    await recordRestoreJob(db, restore.id, "restore-abc", T0);
    expect(await activeRestoreForStore(db, store.id)).toMatchObject({
      status: "running",
      scaled_workloads: scaled,
      job_name: "restore-abc",
      started_at: T0,
    });
  });

  it("refuses a restore into a store a rollout is upgrading, naming the rollout", async () => {
    const { db } = handle();
    const { store, backup } = await storeWithBackup();
    const rollout = await db
      .insertInto("rollouts")
      .values({
        engine: "woocommerce",
        target_chart_version: "0.2.0",
        waves: JSON.stringify([]),
        wave_deadline_seconds: 600,
        pause_seconds: 0,
        max_unavailable: 1,
        created_by: "user:admin",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("rollout_stores")
      .values({
        rollout_id: rollout.id,
        store_id: store.id,
        wave: 1,
        position: 1,
        from_chart_version: "0.1.0",
        state: "upgrading",
      })
      .execute();
    const result = await requestRestore(db, {
      backupId: backup.id,
      targetStoreId: store.id,
      kind: "restore",
      requestedBy: "user:a",
    });
    expect(result).toEqual({
      refused: `store ${store.name} is being upgraded by rollout ${rollout.id}; restore once its rollout step finished`,
    });
    // Once the step is over, the restore is accepted.
    await db.updateTable("rollout_stores").set({ state: "succeeded" }).execute();
    expect(await restoreOf(backup.id, store.id)).toMatchObject({ status: "requested" });
  });

  it("refuses to delete or back up a store while a restore is running into it; a restore only requested is failed by the deletion instead", async () => {
    const { db } = handle();
    const { store, backup } = await storeWithBackup();
    const running = await restoreOf(backup.id, store.id);
    await beginRestore(db, running.id, [], T0);
    expect(await requestStoreDeletion(db, store.id)).toBeUndefined();
    expect(await findStoreById(db, store.id)).toMatchObject({ deletion_requested_at: null });
    // Nor a backup of a database being replaced.
    expect(
      await requestBackup(db, { storeId: store.id, kind: "on-demand", requestedBy: "user:a" }),
    ).toEqual({
      refused: `a restore into store ${store.name} is running (${running.id}); back up once it finished`,
    });
    // Finished: the store can go; a new requested restore goes with it, failed with the reason.
    await db.updateTable("store_restores").set({ status: "succeeded" }).execute();
    const pending = await restoreOf(backup.id, store.id);
    expect(await requestStoreDeletion(db, store.id)).toMatchObject({ phase: "Deleting" });
    expect(
      await db
        .selectFrom("store_restores")
        .select(["status", "error"])
        .where("id", "=", pending.id)
        .executeTakeFirst(),
    ).toEqual({
      status: "failed",
      error: `store ${store.name} was deleted before the restore started`,
    });
  });

  it("wakes the runners on commit when a backup or a restore is requested", async () => {
    const h = handle();
    const { store, backup } = await storeWithBackup();
    const received: string[] = [];
    const unlisten = await h.listen(BACKUP_WORK_CHANNEL, (payload) => received.push(payload));
    await h.db.transaction().execute(async (trx) => {
      await requestRestore(trx, {
        backupId: backup.id,
        targetStoreId: store.id,
        kind: "restore",
        requestedBy: "user:a",
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(received).toEqual([]);
    });
    await expect.poll(() => received, { timeout: 3000 }).toEqual([store.id]);
    // storeWithBackup's own backup request woke it too (before we listened).
    await requestBackup(h.db, { storeId: store.id, kind: "on-demand", requestedBy: "user:a" });
    await expect.poll(() => received, { timeout: 3000 }).toEqual([store.id, store.id]);
    await unlisten();
  });
});
