// backups.verify: desired state for a backup's verification (the controller's
// verify Job restores it into a scratch database and records the result),
// who may ask for it, the refusals a person reads, and how list shows it.
import { completeBackup, finishVerification, markBackupRunning } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { beforeEach, expect, it } from "vitest";
import { expectTrpcError, makeDeps, signedUp, testConfig } from "./helpers.ts";

const RESULT = {
  sizeBytes: 446_810,
  durationMs: 3_700,
  sha256: "c".repeat(64),
  objectKey: "stores/acme/x/manifest.json",
};

describeEachDatabase("backups.verify", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function ownerWithStores() {
    const deps = makeDeps(handle(), { config: testConfig() });
    const owner = await signedUp(deps);
    const store = await owner.caller.stores.create({
      name: "acme",
      engine: "medusa",
      plan: "small",
    });
    await owner.caller.stores.create({ name: "other", engine: "medusa", plan: "small" });
    return { deps, owner, store };
  }
  async function finished(backupId: string, at = new Date()) {
    await markBackupRunning(handle().db, backupId, at);
    await completeBackup(handle().db, backupId, RESULT, at);
  }

  it("verifies the latest complete backup by default, records an event and an audit entry, and list shows it", async () => {
    const { owner, store } = await ownerWithStores();
    await expectTrpcError(
      owner.caller.backups.verify({ store: "acme" }),
      "PRECONDITION_FAILED",
      'verify: store "acme" has no complete backup to verify; back it up first',
    );
    const older = await owner.caller.backups.create({ store: "acme" });
    await finished(older.id, new Date(Date.now() - 60_000));
    const newer = await owner.caller.backups.create({ store: "acme" });
    await finished(newer.id);

    const requested = await owner.caller.backups.verify({ store: "acme" });
    expect(requested).toMatchObject({
      id: newer.id,
      verification: { status: "requested", requestedBy: `user:${owner.user.email}`, error: null },
    });
    const events = await owner.caller.stores.events({ id: store.id });
    expect(events[0]).toMatchObject({
      reason: "BackupVerifyRequested",
      message: `verification of backup ${newer.id} requested`,
    });
    const audited = await handle()
      .db.selectFrom("audit_log")
      .select(["action", "target_id"])
      .where("action", "=", "store.backup.verify")
      .execute();
    expect(audited).toEqual([{ action: "store.backup.verify", target_id: store.id }]);
    await expectTrpcError(
      owner.caller.backups.verify({ store: "acme", backupId: newer.id }),
      "CONFLICT",
      `verify: a verification of backup ${newer.id} is already requested`,
    );

    await finishVerification(
      handle().db,
      newer.id,
      { status: "passed", durationMs: 22_539 },
      new Date(),
    );
    const listed = await owner.caller.backups.list({ store: "acme" });
    expect(listed.map((b) => [b.id, b.verification?.status ?? null])).toEqual([
      [newer.id, "passed"],
      [older.id, null],
    ]);
    expect(listed[0]?.verification).toMatchObject({ durationMs: 22_539, error: null });
    expect(listed[0]?.verification?.verifiedAt).toBeTruthy();

    // A named, older backup; a failed verification shows its reason.
    const named = await owner.caller.backups.verify({ store: store.id, backupId: older.id });
    expect(named.verification?.status).toBe("requested");
    await finishVerification(
      handle().db,
      older.id,
      { status: "failed", error: "order order_X not found" },
      new Date(),
    );
    const again = await owner.caller.backups.list({ store: "acme" });
    expect(again[1]?.verification).toMatchObject({
      status: "failed",
      error: "order order_X not found",
    });
  });

  it("refuses an incomplete backup, a backup of another store (NOT_FOUND) and a bad id, naming the field", async () => {
    const { owner } = await ownerWithStores();
    const pending = await owner.caller.backups.create({ store: "acme" });
    await expectTrpcError(
      owner.caller.backups.verify({ store: "acme", backupId: pending.id }),
      "CONFLICT",
      `verify: backup ${pending.id} is requested, not a complete backup`,
    );
    const ofOther = await owner.caller.backups.create({ store: "other" });
    await finished(ofOther.id);
    await expectTrpcError(
      owner.caller.backups.verify({ store: "acme", backupId: ofOther.id }),
      "NOT_FOUND",
      `backup not found: ${ofOther.id}`,
    );
    await expectTrpcError(
      owner.caller.backups.verify({ store: "acme", backupId: "not-a-uuid" }),
      "BAD_REQUEST",
      /backupId: must be a backup id/,
    );
  });

  it("is NOT_FOUND for another owner's store and backup, and writes nothing for them", async () => {
    const { deps, owner, store } = await ownerWithStores();
    const backup = await owner.caller.backups.create({ store: "acme" });
    await finished(backup.id);
    const stranger = await signedUp(deps);
    await stranger.caller.stores.create({ name: "mine", engine: "medusa", plan: "small" });
    await expectTrpcError(
      stranger.caller.backups.verify({ store: store.id }),
      "NOT_FOUND",
      /store not found/,
    );
    await expectTrpcError(
      stranger.caller.backups.verify({ store: "mine", backupId: backup.id }),
      "NOT_FOUND",
      `backup not found: ${backup.id}`,
    );
    const [row] = await owner.caller.backups.list({ store: "acme" });
    expect(row?.verification).toBeNull();
  });
});
