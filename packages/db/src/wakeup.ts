// Two notification channels, both sent with pg_notify:
// - STORE_CHANGES_CHANNEL: a store's *desired* state changed (create, delete,
//   retry). Sent inside the same transaction as the change, so it is delivered
//   only on commit; the controller LISTENs and reconciles at once instead of
//   waiting for its sweep.
// - STORE_STATUS_CHANNEL: the controller recorded a transition (phase,
//   conditions, events). The dashboard LISTENs to push live updates. It is a
//   separate channel so the controller's own status writes never wake it.
// - BACKUP_WORK_CHANNEL: a backup, restore or clone was requested. Sent inside
//   the request's transaction by requestBackup / requestRestore themselves (so
//   every path — API, storectl, schedules — wakes the controller's backup and
//   restore runners at once instead of at their next 15 s pass).
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

export const STORE_CHANGES_CHANNEL = "store_changes";
export const STORE_STATUS_CHANNEL = "store_status";
export const BACKUP_WORK_CHANNEL = "backup_work";

export async function notifyStoreChanged(db: Kysely<Database>, storeId: string): Promise<void> {
  await sql`select pg_notify(${STORE_CHANGES_CHANNEL}, ${storeId})`.execute(db);
}

export async function notifyStoreStatusChanged(
  db: Kysely<Database>,
  storeId: string,
): Promise<void> {
  await sql`select pg_notify(${STORE_STATUS_CHANNEL}, ${storeId})`.execute(db);
}

export async function notifyBackupWork(db: Kysely<Database>, storeId: string): Promise<void> {
  await sql`select pg_notify(${BACKUP_WORK_CHANNEL}, ${storeId})`.execute(db);
}
