import { beforeEach, expect, it } from "vitest";
import { listDeletedStoresWithBackups } from "../src/repositories/backup-purge.ts";
import {
  finishVerification,
  listActiveVerifications,
  markVerificationRunning,
  requestBackupVerification,
} from "../src/repositories/backup-verifications.ts";
import {
  completeBackup,
  failBackup,
  findBackupById,
  markBackupRunning,
  markBackupsPruned,
  requestBackup,
} from "../src/repositories/backups.ts";
import { requestStoreDeletion } from "../src/repositories/stores.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

const T0 = new Date("2026-12-02T04:00:00Z");
const at = (s: number) => new Date(T0.getTime() + s * 1000);

describeEachDatabase("backup verifications and deleted stores' backups", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function stores(count = 1) {
    const { db } = handle();
    const owner = await insertUser(db);
    return insertStores(db, owner.id, count);
  }

  async function backupOf(storeId: string, outcome: "succeeded" | "failed" | "requested") {
    const { db } = handle();
    const requested = await requestBackup(db, {
      storeId,
      kind: "on-demand",
      requestedBy: "user:a@example.test",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    const id = requested.backup.id;
    if (outcome === "requested") return id;
    await markBackupRunning(db, id, T0);
    if (outcome === "succeeded") {
      await completeBackup(
        db,
        id,
        { sizeBytes: 1, durationMs: 1, sha256: "a".repeat(64), objectKey: "k" },
        T0,
      );
    } else {
      await failBackup(db, id, { error: "pg_dump failed" }, T0);
    }
    return id;
  }

  it("moves a verification from requested through running to passed with its duration and time", async () => {
    const { db } = handle();
    const [store] = await stores();
    const id = await backupOf(store?.id as string, "succeeded");
    const requested = await requestBackupVerification(
      db,
      { backupId: id, requestedBy: "user:a@example.test" },
      at(1),
    );
    expect("backup" in requested && requested.backup).toMatchObject({
      verification_status: "requested",
      verification_requested_by: "user:a@example.test",
      verification_attempts: 0,
    });
    expect((await listActiveVerifications(db)).map((b) => b.id)).toEqual([id]);
    await markVerificationRunning(db, id, at(2));
    expect(await findBackupById(db, id)).toMatchObject({
      verification_status: "running",
      verification_attempts: 1,
      verification_started_at: at(2),
    });
    await finishVerification(db, id, { status: "passed", durationMs: 22_500 }, at(30));
    expect(await findBackupById(db, id)).toMatchObject({
      verification_status: "passed",
      verification_duration_ms: 22_500,
      verified_at: at(30),
      verification_error: null,
      // The backup itself is unchanged by its verification.
      status: "succeeded",
    });
    expect(await listActiveVerifications(db)).toEqual([]);
    // A late second writer (another replica) cannot turn a finished verification around.
    await finishVerification(db, id, { status: "failed", error: "late" }, at(31));
    expect(await findBackupById(db, id)).toMatchObject({ verification_status: "passed" });
  });

  it("records a failure with its reason; a new request replaces it and counts a new attempt", async () => {
    const { db } = handle();
    const [store] = await stores();
    const id = await backupOf(store?.id as string, "succeeded");
    await requestBackupVerification(db, { backupId: id, requestedBy: "u" }, at(1));
    await markVerificationRunning(db, id, at(2));
    await finishVerification(
      db,
      id,
      { status: "failed", error: "GET /health did not answer 200" },
      at(3),
    );
    expect(await findBackupById(db, id)).toMatchObject({
      verification_status: "failed",
      verification_error: "GET /health did not answer 200",
    });
    await requestBackupVerification(db, { backupId: id, requestedBy: "u" }, at(4));
    expect(await findBackupById(db, id)).toMatchObject({
      verification_status: "requested",
      verification_error: null,
    });
    await markVerificationRunning(db, id, at(5));
    expect((await findBackupById(db, id))?.verification_attempts).toBe(2);
  });

  it("refuses a second request while one is active, an incomplete or pruned backup, and a store being deleted", async () => {
    const { db } = handle();
    const [a, b, c] = await stores(3);
    const good = await backupOf(a?.id as string, "succeeded");
    await requestBackupVerification(db, { backupId: good, requestedBy: "u" }, at(1));
    expect(
      await requestBackupVerification(db, { backupId: good, requestedBy: "u" }, at(2)),
    ).toEqual({ refused: `a verification of backup ${good} is already requested` });
    const failed = await backupOf(b?.id as string, "failed");
    expect(
      await requestBackupVerification(db, { backupId: failed, requestedBy: "u" }, at(2)),
    ).toEqual({ refused: `backup ${failed} is failed, not a complete backup` });
    const pruned = await backupOf(c?.id as string, "succeeded");
    await markBackupsPruned(db, [pruned], at(2));
    expect(
      await requestBackupVerification(db, { backupId: pruned, requestedBy: "u" }, at(3)),
    ).toEqual({ refused: `backup ${pruned} was removed by retention` });
    const other = await backupOf(b?.id as string, "succeeded");
    await requestStoreDeletion(db, b?.id as string);
    expect(
      await requestBackupVerification(db, { backupId: other, requestedBy: "u" }, at(3)),
    ).toEqual({ refused: `store ${b?.name} is being deleted` });
    expect(
      await requestBackupVerification(
        db,
        { backupId: "00000000-0000-4000-8000-000000000000", requestedBy: "u" },
        at(3),
      ),
    ).toEqual({ refused: "the backup does not exist" });
  });

  it("lists the deleted stores that still have unpruned backups (any status), and forgets them once pruned", async () => {
    const { db } = handle();
    const [live, gone, purged] = await stores(3);
    await backupOf(live?.id as string, "succeeded");
    const goneOk = await backupOf(gone?.id as string, "succeeded");
    const goneFailed = await backupOf(gone?.id as string, "failed");
    const purgedOld = await backupOf(purged?.id as string, "succeeded");
    await markBackupsPruned(db, [purgedOld], at(1));
    for (const s of [gone, purged]) {
      await db
        .updateTable("stores")
        .set({ deletion_requested_at: at(2), deleted_at: at(3) })
        .where("id", "=", s?.id as string)
        .execute();
    }
    expect(await listDeletedStoresWithBackups(db)).toEqual([
      {
        storeId: gone?.id,
        storeName: gone?.name,
        backupIds: [goneOk, goneFailed].sort(),
      },
    ]);
    await markBackupsPruned(db, [goneOk, goneFailed], at(4));
    expect(await listDeletedStoresWithBackups(db)).toEqual([]);
  });
});
