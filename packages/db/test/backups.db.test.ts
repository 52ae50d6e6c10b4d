import { beforeEach, expect, it } from "vitest";
import {
  finishVerification,
  markVerificationRunning,
  requestBackupVerification,
} from "../src/repositories/backup-verifications.ts";
import {
  activeRestoreForStore,
  completeBackup,
  failBackup,
  findBackupById,
  findBackupSchedule,
  finishRestore,
  latestSucceededBackup,
  listStoreBackups,
  markBackupRunning,
  markBackupsPruned,
  requestBackup,
  requestDueScheduledBackups,
  requestRestore,
  setBackupSchedule,
} from "../src/repositories/backups.ts";
import { requestStoreDeletion } from "../src/repositories/stores.ts";
import { STORE_STATUS_CHANNEL } from "../src/wakeup.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

const T0 = new Date("2026-12-02T03:00:00Z");
const result = {
  sizeBytes: 446_907,
  durationMs: 2_969,
  sha256: "a".repeat(64),
  objectKey: "stores/s/b/manifest.json",
};

describeEachDatabase("backups repository", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function storeOf() {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    if (!store) throw new Error("no store");
    return { owner, store };
  }

  async function succeededBackup(storeId: string) {
    const { db } = handle();
    const requested = await requestBackup(db, {
      storeId,
      kind: "on-demand",
      requestedBy: "user:a@example.test",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    await markBackupRunning(db, requested.backup.id, T0);
    await completeBackup(db, requested.backup.id, result, T0);
    return requested.backup;
  }

  it("records a backup from requested through running to succeeded with its size, duration and sha256", async () => {
    const { db } = handle();
    const { owner, store } = await storeOf();
    const requested = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "user:a@example.test",
    });
    expect("backup" in requested && requested.backup).toMatchObject({
      store_id: store.id,
      owner_id: owner.id,
      status: "requested",
      kind: "on-demand",
    });
    const id = "backup" in requested ? requested.backup.id : "";
    await markBackupRunning(db, id, T0);
    expect(await findBackupById(db, id)).toMatchObject({ status: "running", attempts: 1 });
    await completeBackup(db, id, result, new Date(T0.getTime() + 3_000));
    const done = await findBackupById(db, id);
    expect(done).toMatchObject({
      status: "succeeded",
      duration_ms: 2_969,
      sha256: "a".repeat(64),
      error: null,
    });
    expect(Number(done?.size_bytes)).toBe(446_907);
    expect(await latestSucceededBackup(db, store.id)).toMatchObject({ id });
  });

  it("refuses a second backup while one is active, and a backup of a store being deleted", async () => {
    const { db } = handle();
    const { store } = await storeOf();
    const first = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "user:a",
    });
    expect("backup" in first).toBe(true);
    const second = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "user:a",
    });
    expect(second).toEqual({
      refused: expect.stringMatching(
        new RegExp(`a backup of store ${store.name} is already requested`),
      ),
    });
    await requestStoreDeletion(db, store.id);
    expect(
      await requestBackup(db, { storeId: store.id, kind: "scheduled", requestedBy: "schedule" }),
    ).toEqual({
      refused: `store ${store.name} is being deleted`,
    });
  });

  it("keeps a transiently failed backup requested for a retry, and fails a terminal one for good", async () => {
    const { db } = handle();
    const { store } = await storeOf();
    const requested = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "user:a",
    });
    const id = "backup" in requested ? requested.backup.id : "";
    await markBackupRunning(db, id, T0);
    const retryAt = new Date(T0.getTime() + 60_000);
    await failBackup(
      db,
      id,
      { error: "object store http://s3:9000 unreachable (ECONNREFUSED)", retryAt },
      T0,
    );
    expect(await findBackupById(db, id)).toMatchObject({
      status: "requested",
      next_attempt_at: retryAt,
      error: expect.stringContaining("unreachable"),
    });
    await markBackupRunning(db, id, retryAt);
    await failBackup(db, id, { error: "object store refused upload: AccessDenied" }, retryAt);
    expect(await findBackupById(db, id)).toMatchObject({ status: "failed", attempts: 2 });
    // A failed backup no longer blocks the next one.
    expect(
      "backup" in
        (await requestBackup(db, { storeId: store.id, kind: "on-demand", requestedBy: "user:a" })),
    ).toBe(true);
  });

  it("announces each change of a backup and of its verification to the dashboard's status channel, and nothing for a change that matched no row", async () => {
    const h = handle();
    const { store } = await storeOf();
    const heard: string[] = [];
    const stop = await h.listen(STORE_STATUS_CHANNEL, (id) => heard.push(id));
    try {
      const requested = await requestBackup(h.db, {
        storeId: store.id,
        kind: "on-demand",
        requestedBy: "user:a@example.test",
      });
      if (!("backup" in requested)) throw new Error(requested.refused);
      const id = requested.backup.id;
      await markBackupRunning(h.db, id, T0);
      await failBackup(h.db, id, { error: "unreachable", retryAt: T0 }, T0);
      await markBackupRunning(h.db, id, T0);
      await completeBackup(h.db, id, result, T0);
      await expect.poll(() => heard.length, { timeout: 3000 }).toBe(4);
      const asked = await requestBackupVerification(
        h.db,
        { backupId: id, requestedBy: "user:a" },
        T0,
      );
      expect("backup" in asked).toBe(true);
      await markVerificationRunning(h.db, id, T0);
      await finishVerification(h.db, id, { status: "passed", durationMs: 2_900 }, T0);
      // Already finished: a late second writer changes nothing and says nothing.
      await finishVerification(h.db, id, { status: "failed", error: "late" }, T0);
      await markBackupRunning(h.db, "00000000-0000-4000-8000-000000000000", T0);
      await expect.poll(() => heard.length, { timeout: 3000 }).toBeGreaterThanOrEqual(6);
      await new Promise((r) => setTimeout(r, 150));
      expect(heard).toEqual(Array(6).fill(store.id));
    } finally {
      await stop();
    }
  });

  it("lists a store's backups newest first", async () => {
    const { db } = handle();
    const { store } = await storeOf();
    const a = await succeededBackup(store.id);
    const b = await succeededBackup(store.id);
    const [other] = await insertStores(db, store.owner_id, 1, "other");
    await succeededBackup(other?.id as string);
    expect((await listStoreBackups(db, store.id)).map((x) => x.id)).toEqual([b.id, a.id]);
  });

  it("allows one restore at a time into a store, only of a complete backup, never into a store being deleted", async () => {
    const { db } = handle();
    const { store } = await storeOf();
    const backup = await succeededBackup(store.id);
    const first = await requestRestore(db, {
      backupId: backup.id,
      targetStoreId: store.id,
      kind: "restore",
      requestedBy: "user:a",
    });
    expect("restore" in first && first.restore).toMatchObject({
      status: "requested",
      kind: "restore",
    });
    expect(await activeRestoreForStore(db, store.id)).toMatchObject({ backup_id: backup.id });
    const second = await requestRestore(db, {
      backupId: backup.id,
      targetStoreId: store.id,
      kind: "restore",
      requestedBy: "user:a",
    });
    expect(second).toEqual({
      refused: expect.stringMatching(
        new RegExp(`a restore into store ${store.name} is already requested`),
      ),
    });

    const restoreId = "restore" in first ? first.restore.id : "";
    await finishRestore(db, restoreId, { status: "running" }, T0);
    await finishRestore(db, restoreId, { status: "succeeded" }, T0);
    expect(await activeRestoreForStore(db, store.id)).toBeUndefined();

    const running = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "user:a",
    });
    const runningId = "backup" in running ? running.backup.id : "";
    expect(
      await requestRestore(db, {
        backupId: runningId,
        targetStoreId: store.id,
        kind: "restore",
        requestedBy: "user:a",
      }),
    ).toEqual({
      refused: `backup ${runningId} is requested, not a complete backup`,
    });
    await markBackupsPruned(db, [backup.id], T0);
    expect(
      await requestRestore(db, {
        backupId: backup.id,
        targetStoreId: store.id,
        kind: "restore",
        requestedBy: "user:a",
      }),
    ).toEqual({
      refused: `backup ${backup.id} was removed by retention`,
    });
    await failBackup(db, runningId, { error: "pg_dump exited 1" }, T0);
    const again = await succeededBackup(store.id);
    await requestStoreDeletion(db, store.id);
    expect(
      await requestRestore(db, {
        backupId: again.id,
        targetStoreId: store.id,
        kind: "restore",
        requestedBy: "user:a",
      }),
    ).toEqual({
      refused: `store ${store.name} is being deleted`,
    });
  });

  it("requests scheduled backups when due, moves each schedule on, and skips a store whose backup is still active", async () => {
    const { db } = handle();
    const { store } = await storeOf();
    const [busy] = await insertStores(db, store.owner_id, 1, "busy");
    const busyId = busy?.id as string;
    await setBackupSchedule(db, { storeId: store.id, frequency: "daily", keep: 7 }, T0);
    await setBackupSchedule(db, { storeId: busyId, frequency: "hourly", keep: 3 }, T0);
    expect(await findBackupSchedule(db, store.id)).toMatchObject({
      keep: 7,
      next_run_at: new Date("2026-12-03T03:00:00Z"),
    });
    await requestBackup(db, { storeId: busyId, kind: "on-demand", requestedBy: "user:a" });

    expect(await requestDueScheduledBackups(db, new Date("2026-12-02T03:30:00Z"))).toEqual([]);
    const at = new Date("2026-12-03T03:00:00Z");
    const created = await requestDueScheduledBackups(db, at);
    expect(created.map((b) => [b.store_id, b.kind, b.requested_by])).toEqual([
      [store.id, "scheduled", "schedule"],
    ]);
    expect((await findBackupSchedule(db, store.id))?.next_run_at).toEqual(
      new Date("2026-12-04T03:00:00Z"),
    );
    expect((await findBackupSchedule(db, busyId))?.next_run_at).toEqual(
      new Date("2026-12-03T04:00:00Z"),
    );
    expect(await requestDueScheduledBackups(db, at)).toEqual([]);
  });

  it("refuses a schedule keeping fewer than one or more than 100 backups (database check)", async () => {
    const { db } = handle();
    const { store } = await storeOf();
    await expect(
      setBackupSchedule(db, { storeId: store.id, frequency: "daily", keep: 0 }, T0),
    ).rejects.toThrow();
    await expect(
      setBackupSchedule(db, { storeId: store.id, frequency: "daily", keep: 101 }, T0),
    ).rejects.toThrow();
  });
});
