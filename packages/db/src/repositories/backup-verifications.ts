// A backup's verification: desired state the API writes (requested) and the
// verify runner works through (running → passed | failed). Only the latest
// verification of a backup is kept, on the backup's own row. Refusals are
// values carrying the reason a person reads; the API maps them to CONFLICT.

import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Backup, Database } from "../schema.ts";
import { notifyBackupWork } from "../wakeup.ts";
import { announceBackupChange, type Refusal } from "./backups.ts";

/**
 * Asks for a verification of a complete, unpruned backup of a store that is
 * not being deleted; refused while one of that backup is already under way.
 * A finished verification (passed or failed) is replaced by the new one.
 */
export async function requestBackupVerification(
  db: Kysely<Database>,
  input: { backupId: string; requestedBy: string },
  now: Date,
): Promise<{ backup: Backup } | Refusal> {
  const run = async (trx: Kysely<Database>) => {
    const backup = await trx
      .selectFrom("backups")
      .selectAll()
      .where("id", "=", input.backupId)
      .forUpdate()
      .executeTakeFirst();
    if (!backup) return { refused: "the backup does not exist" };
    const store = await trx
      .selectFrom("stores")
      .select(["name", "deletion_requested_at", "deleted_at"])
      .where("id", "=", backup.store_id)
      .executeTakeFirst();
    if (!store || store.deleted_at) return { refused: "the backup's store no longer exists" };
    if (store.deletion_requested_at) return { refused: `store ${store.name} is being deleted` };
    if (backup.status !== "succeeded")
      return { refused: `backup ${backup.id} is ${backup.status}, not a complete backup` };
    if (backup.pruned_at) return { refused: `backup ${backup.id} was removed by retention` };
    if (backup.verification_status === "requested" || backup.verification_status === "running") {
      return {
        refused: `a verification of backup ${backup.id} is already ${backup.verification_status}`,
      };
    }
    const updated = await trx
      .updateTable("backups")
      .set({
        verification_status: "requested",
        verification_requested_by: input.requestedBy,
        verification_requested_at: now,
        verification_started_at: null,
        verification_error: null,
        verification_duration_ms: null,
        updated_at: now,
      })
      .where("id", "=", backup.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Delivered on commit: the verify runner starts it now, not at its next pass.
    await notifyBackupWork(trx, backup.store_id);
    return { backup: updated };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** Requested and running verifications, oldest request first: the verify runner's work list. */
export async function listActiveVerifications(
  db: Kysely<Database>,
  limit = 100,
): Promise<Backup[]> {
  return db
    .selectFrom("backups")
    .selectAll()
    .where("verification_status", "in", ["requested", "running"])
    .orderBy("verification_requested_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** The verification's Job was applied: running, with one more attempt counted (the Job's name). */
export async function markVerificationRunning(
  db: Kysely<Database>,
  backupId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable("backups")
    .set({
      verification_status: "running",
      verification_started_at: now,
      verification_attempts: sql`verification_attempts + 1`,
      updated_at: now,
    })
    .where("id", "=", backupId)
    .where("verification_status", "=", "requested")
    .returning("store_id")
    .executeTakeFirst()
    .then((row) => announceBackupChange(db, row));
}

export type VerificationOutcome =
  | { status: "passed"; durationMs: number }
  | { status: "failed"; error: string; durationMs?: number };

/** The verification's result; only an active verification is finished (a late second writer changes nothing). */
export async function finishVerification(
  db: Kysely<Database>,
  backupId: string,
  outcome: VerificationOutcome,
  now: Date,
): Promise<void> {
  await db
    .updateTable("backups")
    .set({
      verification_status: outcome.status,
      verification_error: outcome.status === "failed" ? outcome.error : null,
      verification_duration_ms: outcome.durationMs ?? null,
      verified_at: now,
      updated_at: now,
    })
    .where("id", "=", backupId)
    .where("verification_status", "in", ["requested", "running"])
    .returning("store_id")
    .executeTakeFirst()
    .then((row) => announceBackupChange(db, row));
}
