// Two notification channels, both sent with pg_notify:
// - STORE_CHANGES_CHANNEL: a store's *desired* state changed (create, delete,
//   retry). Sent inside the same transaction as the change, so it is delivered
//   only on commit; the controller LISTENs and reconciles at once instead of
//   waiting for its sweep.
// - STORE_STATUS_CHANNEL: the controller recorded a transition (phase,
//   conditions, events). The dashboard LISTENs to push live updates. It is a
//   separate channel so the controller's own status writes never wake it.
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

export const STORE_CHANGES_CHANNEL = "store_changes";
export const STORE_STATUS_CHANNEL = "store_status";

export async function notifyStoreChanged(db: Kysely<Database>, storeId: string): Promise<void> {
  await sql`select pg_notify(${STORE_CHANGES_CHANNEL}, ${storeId})`.execute(db);
}

export async function notifyStoreStatusChanged(
  db: Kysely<Database>,
  storeId: string,
): Promise<void> {
  await sql`select pg_notify(${STORE_STATUS_CHANNEL}, ${storeId})`.execute(db);
}
