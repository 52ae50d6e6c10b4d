// Backups, restores and clones: desired state only. Each procedure checks
// who may act and whether the store's state allows it, writes the request
// (with a store event, an audit entry and a wake-up for the controller) and
// returns at once; the controller runs the Jobs and records the outcome.
import {
  activeRestoreForStore,
  appendStoreEvent,
  deleteBackupSchedule,
  findBackupSchedule,
  latestSucceededBackup,
  listStoreBackups,
  notifyStoreChanged,
  requestBackup,
  requestBackupVerification,
  requestRestore,
  setBackupSchedule,
} from "@storeplane/db";
import { audit } from "../audit.ts";
import { backupNotFound, findVisibleBackup } from "../backups/access.ts";
import { ConflictError, FieldValidationError, InvalidStateError } from "../errors.ts";
import {
  backupScheduleInput,
  cloneBackupInput,
  createBackupInput,
  listBackupsInput,
  restoreBackupInput,
  verifyBackupInput,
} from "../schemas/backups.ts";
import { storeRefInput } from "../schemas/stores.ts";
import { findVisibleStore } from "../stores/access.ts";
import { createStore } from "../stores/create.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { toBackupScheduleView, toBackupView, toRestoreView, toStoreView } from "../views.ts";

export const backupsRouter = router({
  /** An on-demand backup; the store stays Ready while it runs. */
  create: protectedProcedure.input(createBackupInput).mutation(async ({ ctx, input }) => {
    return ctx.db.transaction().execute(async (trx) => {
      const store = await findVisibleStore(trx, ctx.auth, input.store);
      if (store.deleted_at) throw new InvalidStateError(`backup: store "${store.name}" is deleted`);
      const result = await requestBackup(trx, {
        storeId: store.id,
        kind: "on-demand",
        requestedBy: ctx.auth.actor,
      });
      if ("refused" in result) throw new ConflictError(`backup: ${result.refused}`);
      await appendStoreEvent(trx, {
        storeId: store.id,
        type: "Normal",
        reason: "BackupRequested",
        message: `backup ${result.backup.id} requested`,
        actor: ctx.auth.actor,
      });
      await audit(trx, ctx, {
        action: "store.backup",
        targetType: "store",
        targetId: store.id,
        details: { name: store.name, backupId: result.backup.id },
      });
      await notifyStoreChanged(trx, store.id);
      return toBackupView(result.backup);
    });
  }),

  /** A store's backups, newest first, with status, size, duration and sha256. */
  list: protectedProcedure.input(listBackupsInput).query(async ({ ctx, input }) => {
    const store = await findVisibleStore(ctx.db, ctx.auth, input.store);
    const backups = await listStoreBackups(ctx.db, store.id, input.limit ?? 50);
    return backups.map(toBackupView);
  }),

  /**
   * Restores a backup into its own store, replacing its data: `confirm` must
   * be the store's name. Refused while another restore, or the store's
   * deletion, is under way.
   */
  restore: protectedProcedure.input(restoreBackupInput).mutation(async ({ ctx, input }) => {
    return ctx.db.transaction().execute(async (trx) => {
      const { backup, store } = await findVisibleBackup(trx, ctx.auth, input.backupId);
      if (input.confirm !== store.name) {
        throw new FieldValidationError(
          "confirm",
          `must be the store's name ("${store.name}") to replace its data with this backup`,
        );
      }
      const result = await requestRestore(trx, {
        backupId: backup.id,
        targetStoreId: store.id,
        kind: "restore",
        requestedBy: ctx.auth.actor,
      });
      if ("refused" in result) throw new ConflictError(`restore: ${result.refused}`);
      await appendStoreEvent(trx, {
        storeId: store.id,
        type: "Normal",
        reason: "RestoreRequested",
        message: `restore of backup ${backup.id} requested`,
        actor: ctx.auth.actor,
      });
      await audit(trx, ctx, {
        action: "store.restore",
        targetType: "store",
        targetId: store.id,
        details: { name: store.name, backupId: backup.id },
      });
      await notifyStoreChanged(trx, store.id);
      return toRestoreView(result.restore);
    });
  }),

  /**
   * A new store (new name, URL and credentials; the source's engine and plan)
   * that the controller provisions and then fills from the backup. Counts
   * against the owner's quota like any new store.
   */
  clone: protectedProcedure.input(cloneBackupInput).mutation(async ({ ctx, input }) => {
    const { backup, store: source } = await findVisibleBackup(ctx.db, ctx.auth, input.backupId);
    if (source.deletion_requested_at && !source.deleted_at) {
      // The backup outlives its store, but cloning while the source is going is racy to read: say so.
      throw new ConflictError(`clone: store "${source.name}" is being deleted`);
    }
    const restoring = await activeRestoreForStore(ctx.db, source.id);
    if (restoring) {
      throw new ConflictError(
        `clone: a ${restoring.kind} into store "${source.name}" is ${restoring.status}; clone once it finished`,
      );
    }
    let restoreId = "";
    const store = await createStore(
      ctx,
      {
        name: input.name,
        engine: source.engine,
        plan: source.plan,
        idempotencyKey: input.idempotencyKey,
      },
      {
        alsoWrite: async (trx, created) => {
          const result = await requestRestore(trx, {
            backupId: backup.id,
            targetStoreId: created.id,
            kind: "clone",
            requestedBy: ctx.auth.actor,
          });
          if ("refused" in result) throw new ConflictError(`clone: ${result.refused}`);
          restoreId = result.restore.id;
          await appendStoreEvent(trx, {
            storeId: created.id,
            type: "Normal",
            reason: "CloneRequested",
            message: `clone of store "${source.name}" from backup ${backup.id} requested`,
            actor: ctx.auth.actor,
          });
        },
      },
    );
    return { store: toStoreView(store), restoreId };
  }),

  /**
   * Verifies a backup: the controller restores it into a scratch database in
   * a Job of its own, starts the engine on it, runs its health check and an
   * order lookup, records passed or failed on the backup, and drops the
   * scratch database. The store's own data is never touched. Default: the
   * store's latest complete backup.
   */
  verify: protectedProcedure.input(verifyBackupInput).mutation(async ({ ctx, input }) => {
    return ctx.db.transaction().execute(async (trx) => {
      const store = await findVisibleStore(trx, ctx.auth, input.store);
      let backupId: string;
      if (input.backupId) {
        const { backup } = await findVisibleBackup(trx, ctx.auth, input.backupId);
        // A backup of another store reads as one that does not exist, as for another owner's.
        if (backup.store_id !== store.id) throw backupNotFound(input.backupId);
        backupId = backup.id;
      } else {
        const latest = await latestSucceededBackup(trx, store.id);
        if (!latest) {
          throw new InvalidStateError(
            `verify: store "${store.name}" has no complete backup to verify; back it up first`,
          );
        }
        backupId = latest.id;
      }
      const result = await requestBackupVerification(
        trx,
        { backupId, requestedBy: ctx.auth.actor },
        new Date(),
      );
      if ("refused" in result) throw new ConflictError(`verify: ${result.refused}`);
      await appendStoreEvent(trx, {
        storeId: store.id,
        type: "Normal",
        reason: "BackupVerifyRequested",
        message: `verification of backup ${backupId} requested`,
        actor: ctx.auth.actor,
      });
      await audit(trx, ctx, {
        action: "store.backup.verify",
        targetType: "store",
        targetId: store.id,
        details: { name: store.name, backupId },
      });
      await notifyStoreChanged(trx, store.id);
      return toBackupView(result.backup);
    });
  }),

  schedule: protectedProcedure.input(backupScheduleInput).mutation(async ({ ctx, input }) => {
    const store = await findVisibleStore(ctx.db, ctx.auth, input.store);
    if (store.deleted_at || store.deletion_requested_at) {
      throw new InvalidStateError(`schedule: store "${store.name}" is deleted or being deleted`);
    }
    const schedule = await setBackupSchedule(
      ctx.db,
      { storeId: store.id, frequency: input.frequency, keep: input.keep },
      new Date(),
    );
    return toBackupScheduleView(schedule);
  }),

  unschedule: protectedProcedure.input(storeRefInput).mutation(async ({ ctx, input }) => {
    const store = await findVisibleStore(ctx.db, ctx.auth, input.id);
    await deleteBackupSchedule(ctx.db, store.id);
    return { storeId: store.id, schedule: null };
  }),

  getSchedule: protectedProcedure.input(storeRefInput).query(async ({ ctx, input }) => {
    const store = await findVisibleStore(ctx.db, ctx.auth, input.id);
    const schedule = await findBackupSchedule(ctx.db, store.id);
    return schedule ? toBackupScheduleView(schedule) : null;
  }),
});
