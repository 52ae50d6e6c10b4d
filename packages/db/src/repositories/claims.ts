// How controller replicas share work: each claims due stores with
// FOR UPDATE SKIP LOCKED and a claim expiry, so two replicas never hold one
// store at once and a crashed replica's claims lapse on their own.
import { type Kysely, sql } from "kysely";
import type { Database, Store } from "../schema.ts";

export interface ClaimDueStoresInput {
  owner: string;
  limit: number;
  ttlSeconds: number;
}

/** Claims up to `limit` stores whose reconcile is due and that nobody holds. */
export async function claimDueStores(
  db: Kysely<Database>,
  input: ClaimDueStoresInput,
): Promise<Store[]> {
  if (input.limit <= 0) return [];
  const result = await sql<Store>`
    with due as (
      select id from stores
      where deleted_at is null
        and next_reconcile_at <= now()
        and (claimed_by is null or claim_expires_at < now())
      order by next_reconcile_at
      limit ${input.limit}
      for update skip locked
    )
    update stores as s
    set claimed_by = ${input.owner},
        claim_expires_at = now() + make_interval(secs => ${input.ttlSeconds})
    from due
    where s.id = due.id
    returning s.*`.execute(db);
  return result.rows;
}

/** On shutdown: hand back everything this replica holds, due at once for the others. */
export async function releaseAllClaims(db: Kysely<Database>, owner: string): Promise<number> {
  const result = await db
    .updateTable("stores")
    .set({ claimed_by: null, claim_expires_at: null, next_reconcile_at: sql`now()` })
    .where("claimed_by", "=", owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// Store ids come from labels in the cluster; anything else is not a store of ours.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Something these stores own changed in the cluster (the watch cache said
 * so): make them due now instead of at their next drift check. Stores held
 * by a replica keep their claim; the holder requeues them itself. Returns
 * how many became due.
 */
export async function makeStoresDue(db: Kysely<Database>, storeIds: string[]): Promise<number> {
  const ids = storeIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable("stores")
    .set({ next_reconcile_at: sql`now()` })
    .where("id", "in", ids)
    .where("deleted_at", "is", null)
    .where("next_reconcile_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
