// Backup procedures: desired state for backups, restores and clones, who may
// act on which backup, the refusals a person reads, and the quota a clone
// counts against. The controller's side (Jobs) is not involved here.
import { beginRestore, completeBackup, finishRestore, markBackupRunning } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { getFieldErrors } from "../src/trpc.ts";
import { expectTrpcError, makeDeps, signedUp, testConfig } from "./helpers.ts";

const RESULT = {
  sizeBytes: 59_457,
  durationMs: 1_005,
  sha256: "b".repeat(64),
  objectKey: "stores/acme/x/manifest.json",
};

describeEachDatabase("backups", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function ownerWithStore(config = testConfig()) {
    const deps = makeDeps(handle(), { config });
    const owner = await signedUp(deps);
    const store = await owner.caller.stores.create({
      name: "acme",
      engine: "woocommerce",
      plan: "medium",
    });
    return { deps, owner, store };
  }

  async function finished(backupId: string) {
    await markBackupRunning(handle().db, backupId, new Date());
    await completeBackup(handle().db, backupId, RESULT, new Date());
  }

  describe("create and list", () => {
    it("requests a backup, records an event and lists it; a second one is refused while the first is active", async () => {
      const { owner, store } = await ownerWithStore();
      const backup = await owner.caller.backups.create({ store: "acme" });
      expect(backup).toMatchObject({
        storeId: store.id,
        kind: "on-demand",
        status: "requested",
        requestedBy: `user:${owner.user.email}`,
      });
      const events = await owner.caller.stores.events({ id: store.id });
      expect(events[0]).toMatchObject({
        reason: "BackupRequested",
        message: `backup ${backup.id} requested`,
      });
      await expectTrpcError(
        owner.caller.backups.create({ store: store.id }),
        "CONFLICT",
        /backup: a backup of store acme is already requested/,
      );

      await finished(backup.id);
      const listed = await owner.caller.backups.list({ store: "acme" });
      expect(listed).toEqual([
        expect.objectContaining({
          id: backup.id,
          status: "succeeded",
          sizeBytes: 59_457,
          durationMs: 1_005,
          sha256: "b".repeat(64),
        }),
      ]);
    });
  });

  describe("another owner's backups", () => {
    it("are NOT_FOUND for listing, backing up, restoring and cloning", async () => {
      const { deps, owner, store } = await ownerWithStore();
      const backup = await owner.caller.backups.create({ store: "acme" });
      await finished(backup.id);
      const stranger = await signedUp(deps);
      await expectTrpcError(
        stranger.caller.backups.list({ store: store.id }),
        "NOT_FOUND",
        /store not found/,
      );
      await expectTrpcError(
        stranger.caller.backups.create({ store: "acme" }),
        "NOT_FOUND",
        /store not found/,
      );
      await expectTrpcError(
        stranger.caller.backups.restore({ backupId: backup.id, confirm: "acme" }),
        "NOT_FOUND",
        `backup not found: ${backup.id}`,
      );
      await expectTrpcError(
        stranger.caller.backups.clone({ backupId: backup.id, name: "stolen-copy" }),
        "NOT_FOUND",
        `backup not found: ${backup.id}`,
      );
      // Nothing was written for the stranger.
      expect(await stranger.caller.stores.list()).toMatchObject({ items: [] });
    });
  });

  describe("restore", () => {
    it("needs a complete backup and the store's name as confirmation, then refuses a second restore while the first is active", async () => {
      const { owner, store } = await ownerWithStore();
      const backup = await owner.caller.backups.create({ store: "acme" });
      await expectTrpcError(
        owner.caller.backups.restore({ backupId: backup.id, confirm: "acme" }),
        "CONFLICT",
        `restore: backup ${backup.id} is requested, not a complete backup`,
      );
      await finished(backup.id);
      const wrong = await expectTrpcError(
        owner.caller.backups.restore({ backupId: backup.id, confirm: "acne" }),
        "BAD_REQUEST",
      );
      expect(getFieldErrors(wrong)).toEqual({
        confirm: ['must be the store\'s name ("acme") to replace its data with this backup'],
      });

      const restore = await owner.caller.backups.restore({ backupId: backup.id, confirm: "acme" });
      expect(restore).toMatchObject({
        backupId: backup.id,
        targetStoreId: store.id,
        kind: "restore",
        status: "requested",
      });
      await expectTrpcError(
        owner.caller.backups.restore({ backupId: backup.id, confirm: "acme" }),
        "CONFLICT",
        /restore: a restore into store acme is already requested/,
      );
      await expectTrpcError(
        owner.caller.backups.clone({ backupId: backup.id, name: "acme-copy" }),
        "CONFLICT",
        /clone: a restore into store "acme" is requested/,
      );
    });

    it("is refused while the store is being deleted", async () => {
      const { owner } = await ownerWithStore();
      const backup = await owner.caller.backups.create({ store: "acme" });
      await finished(backup.id);
      await owner.caller.stores.delete({ id: "acme" });
      await expectTrpcError(
        owner.caller.backups.restore({ backupId: backup.id, confirm: "acme" }),
        "CONFLICT",
        "restore: store acme is being deleted",
      );
    });
    it("a running restore refuses the store's deletion with the reason; once it finished the store can go", async () => {
      const { owner, store } = await ownerWithStore();
      const backup = await owner.caller.backups.create({ store: "acme" });
      await finished(backup.id);
      const restore = await owner.caller.backups.restore({ backupId: backup.id, confirm: "acme" });
      // The controller's restore runner took it (app scaled to zero, Job running).
      expect(await beginRestore(handle().db, restore.id, [], new Date())).toBe(true);
      await expectTrpcError(
        owner.caller.stores.delete({ id: "acme" }),
        "CONFLICT",
        new RegExp(
          `^delete: a restore into store "acme" is running \\(${restore.id}\\); delete the store once it finished$`,
        ),
      );
      expect((await owner.caller.stores.get({ id: store.id })).phase).not.toBe("Deleting");
      await finishRestore(handle().db, restore.id, { status: "succeeded" }, new Date());
      expect(await owner.caller.stores.delete({ id: "acme" })).toMatchObject({ phase: "Deleting" });
    });
  });

  describe("clone", () => {
    it("creates a new store with the source's engine and plan and a clone restore of the backup", async () => {
      const { owner } = await ownerWithStore();
      const backup = await owner.caller.backups.create({ store: "acme" });
      await finished(backup.id);
      const clone = await owner.caller.backups.clone({ backupId: backup.id, name: "acme-staging" });
      expect(clone.store).toMatchObject({
        name: "acme-staging",
        engine: "woocommerce",
        plan: "medium",
        phase: "Pending",
      });
      const restores = await handle().db.selectFrom("store_restores").selectAll().execute();
      expect(restores).toEqual([
        expect.objectContaining({
          id: clone.restoreId,
          backup_id: backup.id,
          target_store_id: clone.store.id,
          kind: "clone",
        }),
      ]);
      const events = await owner.caller.stores.events({ id: clone.store.id });
      expect(events.map((e) => e.reason)).toEqual(["CloneRequested", "CreateRequested"]);
    });

    it("counts against the owner's quota and writes nothing when it is full", async () => {
      const { owner } = await ownerWithStore(testConfig({ STORE_LIMIT_PER_USER: "1" }));
      const backup = await owner.caller.backups.create({ store: "acme" });
      await finished(backup.id);
      await expectTrpcError(
        owner.caller.backups.clone({ backupId: backup.id, name: "acme-staging" }),
        "PRECONDITION_FAILED",
        "quota: you already have 1 of 1 stores",
      );
      expect(await handle().db.selectFrom("store_restores").selectAll().execute()).toEqual([]);
      expect((await owner.caller.stores.list()).items.map((s) => s.name)).toEqual(["acme"]);
    });

    it("writes neither the store nor the restore when the backup is not complete", async () => {
      const { owner } = await ownerWithStore();
      const backup = await owner.caller.backups.create({ store: "acme" });
      await expectTrpcError(
        owner.caller.backups.clone({ backupId: backup.id, name: "acme-staging" }),
        "CONFLICT",
        `clone: backup ${backup.id} is requested, not a complete backup`,
      );
      expect((await owner.caller.stores.list()).items.map((s) => s.name)).toEqual(["acme"]);
    });
  });

  describe("schedule", () => {
    it("sets and clears a store's schedule, and names a bad field", async () => {
      const { owner, store } = await ownerWithStore();
      const schedule = await owner.caller.backups.schedule({ store: "acme", frequency: "daily" });
      expect(schedule).toMatchObject({ storeId: store.id, frequency: "daily", keep: 7 });
      expect(await owner.caller.backups.getSchedule({ id: "acme" })).toMatchObject({ keep: 7 });
      const bad = await expectTrpcError(
        owner.caller.backups.schedule({ store: "acme", frequency: "daily", keep: 0 }),
        "BAD_REQUEST",
      );
      expect(getFieldErrors(bad)).toEqual({ keep: ["must be between 1 and 100"] });
      await owner.caller.backups.unschedule({ id: "acme" });
      expect(await owner.caller.backups.getSchedule({ id: "acme" })).toBeNull();
    });
  });
});
