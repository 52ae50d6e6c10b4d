// Backups, restores and schedules: desired state the API writes and the
// controller works through. Refusals are values (`{ refused }`) carrying the
// reason a person reads; the API maps them to CONFLICT. The partial unique
// indexes of the migration back the "one at a time" rules under concurrency.
import { type Kysely, sql, type Transaction } from "kysely";
import {
  BACKUP_FREQUENCY_MS,
  type BackupFrequency,
  type BackupKind,
  type RestoreKind,
} from "../backup-domain.ts";
import type { Backup, BackupSchedule, Database, StoreRestore } from "../schema.ts";
import { notifyBackupWork, notifyStoreStatusChanged } from "../wakeup.ts";

export type Refusal = { refused: string };

function isUniqueViolation(error: unknown, index: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e?.code === "23505" && (e.constraint === index || Boolean(e.message?.includes(index)));
}

async function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
) {
  return db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
}

export interface RequestBackupInput {
  storeId: string;
  kind: BackupKind;
  requestedBy: string;
}

/** A new backup of a live store, unless one is already requested or running, or a restore runs into it. */
export async function requestBackup(
  db: Kysely<Database>,
  input: RequestBackupInput,
): Promise<{ backup: Backup } | Refusal> {
  return inTransaction(db, async (trx) => {
    const store = await trx
      .selectFrom("stores")
      .select(["id", "name", "owner_id", "deletion_requested_at", "deleted_at"])
      .where("id", "=", input.storeId)
      .forUpdate()
      .executeTakeFirst();
    if (!store || store.deleted_at) return { refused: "the store does not exist" };
    if (store.deletion_requested_at) return { refused: `store ${store.name} is being deleted` };
    const active = await trx
      .selectFrom("backups")
      .select(["id", "status"])
      .where("store_id", "=", store.id)
      .where("status", "in", ["requested", "running"])
      .executeTakeFirst();
    if (active) {
      return {
        refused: `a backup of store ${store.name} is already ${active.status} (${active.id})`,
      };
    }
    // Mid-restore the database is being replaced: a dump then would be neither backup's.
    const restoring = await trx
      .selectFrom("store_restores")
      .select(["id", "kind"])
      .where("target_store_id", "=", store.id)
      .where("status", "=", "running")
      .executeTakeFirst();
    if (restoring) {
      return {
        refused: `a ${restoring.kind} into store ${store.name} is running (${restoring.id}); back up once it finished`,
      };
    }
    try {
      const backup = await trx
        .insertInto("backups")
        .values({
          store_id: store.id,
          owner_id: store.owner_id,
          kind: input.kind,
          requested_by: input.requestedBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // Delivered on commit: the backup runner starts it now, not at its next pass.
      await notifyBackupWork(trx, store.id);
      return { backup };
    } catch (error) {
      if (isUniqueViolation(error, "backups_one_active_per_store")) {
        return { refused: `a backup of store ${store.name} is already in progress` };
      }
      throw error;
    }
  });
}

export async function findBackupById(
  db: Kysely<Database>,
  id: string,
): Promise<Backup | undefined> {
  return db.selectFrom("backups").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A store's backups, newest first (pruned ones included: they are history). */
export async function listStoreBackups(
  db: Kysely<Database>,
  storeId: string,
  limit = 50,
): Promise<Backup[]> {
  return db
    .selectFrom("backups")
    .selectAll()
    .where("store_id", "=", storeId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** The latest complete, unpruned backup of a store (what "verify" and a default restore use). */
export async function latestSucceededBackup(
  db: Kysely<Database>,
  storeId: string,
): Promise<Backup | undefined> {
  return db
    .selectFrom("backups")
    .selectAll()
    .where("store_id", "=", storeId)
    .where("status", "=", "succeeded")
    .where("pruned_at", "is", null)
    .orderBy("finished_at", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function markBackupRunning(
  db: Kysely<Database>,
  id: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable("backups")
    .set({ status: "running", started_at: now, attempts: sql`attempts + 1`, updated_at: now })
    .where("id", "=", id)
    .where("status", "in", ["requested", "running"])
    .returning("store_id")
    .executeTakeFirst()
    .then((row) => announceBackupChange(db, row));
}

/**
 * Backups the controller still has to move: requested (their next attempt
 * due by `now`) or running, oldest first. The backup runner's work list.
 */
export async function listActiveBackups(
  db: Kysely<Database>,
  now: Date,
  limit = 100,
): Promise<Backup[]> {
  return db
    .selectFrom("backups")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb("status", "=", "running"),
        eb.and([eb("status", "=", "requested"), eb("next_attempt_at", "<=", now)]),
      ]),
    )
    .orderBy("created_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export interface BackupResult {
  sizeBytes: number;
  durationMs: number;
  sha256: string;
  objectKey: string;
}

export async function completeBackup(
  db: Kysely<Database>,
  id: string,
  result: BackupResult,
  now: Date,
) {
  await db
    .updateTable("backups")
    .set({
      status: "succeeded",
      size_bytes: result.sizeBytes,
      duration_ms: result.durationMs,
      sha256: result.sha256,
      object_key: result.objectKey,
      error: null,
      finished_at: now,
      updated_at: now,
    })
    .where("id", "=", id)
    .returning("store_id")
    .executeTakeFirst()
    .then((row) => announceBackupChange(db, row));
}

/**
 * A failed attempt. With `retryAt` (a transient failure, e.g. the object store
 * unreachable) the backup stays requested and is tried again then, its error
 * shown meanwhile; without it the backup is failed for good.
 */
export async function failBackup(
  db: Kysely<Database>,
  id: string,
  failure: { error: string; retryAt?: Date },
  now: Date,
): Promise<void> {
  await db
    .updateTable("backups")
    .set(
      failure.retryAt
        ? {
            status: "requested",
            error: failure.error,
            next_attempt_at: failure.retryAt,
            updated_at: now,
          }
        : { status: "failed", error: failure.error, finished_at: now, updated_at: now },
    )
    .where("id", "=", id)
    .returning("store_id")
    .executeTakeFirst()
    .then((row) => announceBackupChange(db, row));
}

/**
 * The store page lists its backups live: a backup or its verification that
 * changed state is announced on the status channel the dashboard listens to
 * (the controller's reconcile does not listen there, so nothing else wakes).
 */
export async function announceBackupChange(
  db: Kysely<Database>,
  changed: { store_id: string } | undefined,
): Promise<void> {
  if (changed) await notifyStoreStatusChanged(db, changed.store_id);
}

export async function markBackupsPruned(
  db: Kysely<Database>,
  ids: string[],
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("backups")
    .set({ pruned_at: now, updated_at: now })
    .where("id", "in", ids)
    .execute();
}

export interface RequestRestoreInput {
  backupId: string;
  targetStoreId: string;
  kind: RestoreKind;
  requestedBy: string;
}

/**
 * A restore of a backup into a store (its own, or the new store of a clone),
 * refused while the target is being deleted, another restore of it is under
 * way or a rollout is upgrading it (its release changes under the restore),
 * or when the backup is not a complete one.
 */
export async function requestRestore(
  db: Kysely<Database>,
  input: RequestRestoreInput,
): Promise<{ restore: StoreRestore } | Refusal> {
  return inTransaction(db, async (trx) => {
    const store = await trx
      .selectFrom("stores")
      .select(["id", "name", "deletion_requested_at", "deleted_at"])
      .where("id", "=", input.targetStoreId)
      .forUpdate()
      .executeTakeFirst();
    if (!store || store.deleted_at) return { refused: "the target store does not exist" };
    if (store.deletion_requested_at) return { refused: `store ${store.name} is being deleted` };
    const backup = await trx
      .selectFrom("backups")
      .selectAll()
      .where("id", "=", input.backupId)
      .executeTakeFirst();
    if (!backup) return { refused: "the backup does not exist" };
    if (backup.status !== "succeeded")
      return { refused: `backup ${backup.id} is ${backup.status}, not a complete backup` };
    if (backup.pruned_at) return { refused: `backup ${backup.id} was removed by retention` };
    const active = await trx
      .selectFrom("store_restores")
      .select(["id", "kind", "status"])
      .where("target_store_id", "=", store.id)
      .where("status", "in", ["requested", "running"])
      .executeTakeFirst();
    if (active) {
      return {
        refused: `a ${active.kind} into store ${store.name} is already ${active.status} (${active.id})`,
      };
    }
    const upgrading = await trx
      .selectFrom("rollout_stores")
      .select(["rollout_id"])
      .where("store_id", "=", store.id)
      .where("state", "=", "upgrading")
      .executeTakeFirst();
    if (upgrading) {
      return {
        refused: `store ${store.name} is being upgraded by rollout ${upgrading.rollout_id}; restore once its rollout step finished`,
      };
    }
    try {
      const restore = await trx
        .insertInto("store_restores")
        .values({
          backup_id: backup.id,
          target_store_id: store.id,
          kind: input.kind,
          requested_by: input.requestedBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await notifyBackupWork(trx, store.id);
      return { restore };
    } catch (error) {
      if (isUniqueViolation(error, "store_restores_one_active_per_store")) {
        return { refused: `a restore into store ${store.name} is already in progress` };
      }
      throw error;
    }
  });
}

export async function activeRestoreForStore(
  db: Kysely<Database>,
  storeId: string,
): Promise<StoreRestore | undefined> {
  return db
    .selectFrom("store_restores")
    .selectAll()
    .where("target_store_id", "=", storeId)
    .where("status", "in", ["requested", "running"])
    .executeTakeFirst();
}

export async function finishRestore(
  db: Kysely<Database>,
  id: string,
  outcome: { status: "running" } | { status: "succeeded" } | { status: "failed"; error: string },
  now: Date,
): Promise<void> {
  await db
    .updateTable("store_restores")
    .set(
      outcome.status === "running"
        ? { status: "running", started_at: now, updated_at: now }
        : {
            status: outcome.status,
            error: outcome.status === "failed" ? outcome.error : null,
            finished_at: now,
            updated_at: now,
          },
    )
    .where("id", "=", id)
    .execute();
}

export async function setBackupSchedule(
  db: Kysely<Database>,
  input: { storeId: string; frequency: BackupFrequency; keep: number },
  now: Date,
): Promise<BackupSchedule> {
  const next = new Date(now.getTime() + BACKUP_FREQUENCY_MS[input.frequency]);
  return db
    .insertInto("backup_schedules")
    .values({
      store_id: input.storeId,
      frequency: input.frequency,
      keep: input.keep,
      next_run_at: next,
    })
    .onConflict((oc) =>
      oc.column("store_id").doUpdateSet({
        frequency: input.frequency,
        keep: input.keep,
        next_run_at: next,
        updated_at: now,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findBackupSchedule(
  db: Kysely<Database>,
  storeId: string,
): Promise<BackupSchedule | undefined> {
  return db
    .selectFrom("backup_schedules")
    .selectAll()
    .where("store_id", "=", storeId)
    .executeTakeFirst();
}

export async function deleteBackupSchedule(db: Kysely<Database>, storeId: string): Promise<void> {
  await db.deleteFrom("backup_schedules").where("store_id", "=", storeId).execute();
}

/**
 * Requests a scheduled backup for every schedule that is due and moves each
 * schedule to its next run. A store whose previous backup is still active, or
 * that is being deleted, skips this run (the backup never piles up) but its
 * schedule still moves on. Safe to run from several controller replicas.
 */
export async function requestDueScheduledBackups(
  db: Kysely<Database>,
  now: Date,
  limit = 100,
): Promise<Backup[]> {
  return inTransaction(db, async (trx) => {
    const due = await trx
      .selectFrom("backup_schedules")
      .selectAll()
      .where("next_run_at", "<=", now)
      .orderBy("next_run_at")
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    const created: Backup[] = [];
    for (const schedule of due) {
      const result = await requestBackup(trx, {
        storeId: schedule.store_id,
        kind: "scheduled",
        requestedBy: "schedule",
      });
      if ("backup" in result) created.push(result.backup);
      await trx
        .updateTable("backup_schedules")
        .set({
          next_run_at: new Date(now.getTime() + BACKUP_FREQUENCY_MS[schedule.frequency]),
          updated_at: now,
        })
        .where("store_id", "=", schedule.store_id)
        .execute();
    }
    return created;
  });
}

/**
 * A store's complete, unpruned backups beyond the newest `keep` (by completion
 * time, which the row records to the millisecond; S3's LastModified has only
 * second resolution), oldest last.
 */
export async function backupsBeyondKeep(
  db: Kysely<Database>,
  storeId: string,
  keep: number,
): Promise<Backup[]> {
  return db
    .selectFrom("backups")
    .selectAll()
    .where("store_id", "=", storeId)
    .where("status", "=", "succeeded")
    .where("pruned_at", "is", null)
    .orderBy("finished_at", "desc")
    .orderBy("id", "desc")
    .offset(keep)
    .limit(1000)
    .execute();
}
