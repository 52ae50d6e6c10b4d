// The restore runner's side of a restore or clone (the request side is
// requestRestore in backups.ts): its work list and the steps it records, so
// that a restarted controller picks up exactly where the last one stopped.
import type { Kysely } from "kysely";
import type { Database, ScaledWorkload, StoreRestore } from "../schema.ts";

/** Restores the runner still has to move (requested or running), oldest first. */
export async function listActiveRestores(
  db: Kysely<Database>,
  limit = 100,
): Promise<StoreRestore[]> {
  return db
    .selectFrom("store_restores")
    .selectAll()
    .where("status", "in", ["requested", "running"])
    .orderBy("created_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * requested → running, with the app workloads about to be scaled to zero
 * (recorded first: a crash between this write and the scaling leaves a row
 * that knows what to bring back). False when the row was no longer requested.
 */
export async function beginRestore(
  db: Kysely<Database>,
  id: string,
  scaled: ScaledWorkload[],
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable("store_restores")
    .set({
      status: "running",
      scaled_workloads: JSON.stringify(scaled),
      started_at: now,
      error: null,
      updated_at: now,
    })
    .where("id", "=", id)
    .where("status", "=", "requested")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The restore Job was applied under this name. */
export async function recordRestoreJob(
  db: Kysely<Database>,
  id: string,
  jobName: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable("store_restores")
    .set({ job_name: jobName, updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "running")
    .execute();
}
