// The wake-up channel: every change of a store's desired state sends a NOTIFY
// (inside the same transaction, so it is delivered only on commit); the
// controller LISTENs and reconciles at once instead of waiting for its sweep.
import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

export const STORE_CHANGES_CHANNEL = "store_changes";

export async function notifyStoreChanged(db: Kysely<Database>, storeId: string): Promise<void> {
  await sql`select pg_notify(${STORE_CHANGES_CHANNEL}, ${storeId})`.execute(db);
}
