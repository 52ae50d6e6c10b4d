// The per-store activity log: append-only, written by the API (user actions)
// and the controller (every transition), read by the dashboard and `storectl`.
import type { Kysely } from "kysely";
import type { EventType } from "../domain.ts";
import type { Database, StoreEvent } from "../schema.ts";

export interface AppendStoreEventInput {
  storeId: string;
  type: EventType;
  reason: string;
  message: string;
  actor: string;
}

export async function appendStoreEvent(
  db: Kysely<Database>,
  input: AppendStoreEventInput,
): Promise<void> {
  await db
    .insertInto("store_events")
    .values({
      store_id: input.storeId,
      type: input.type,
      reason: input.reason,
      message: input.message,
      actor: input.actor,
    })
    .execute();
}

/** Newest first; `afterId` pages forward for live tails (ids only grow). */
export async function listStoreEvents(
  db: Kysely<Database>,
  storeId: string,
  options: { limit?: number; afterId?: string } = {},
): Promise<StoreEvent[]> {
  let query = db.selectFrom("store_events").selectAll().where("store_id", "=", storeId);
  if (options.afterId) query = query.where("id", ">", options.afterId);
  return query
    .orderBy("id", "desc")
    .limit(options.limit ?? 100)
    .execute();
}
