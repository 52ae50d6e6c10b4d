// Bounded history: store events and audit rows older than the retention
// window are deleted, but a store always keeps its newest events (so a store
// that has been quiet for a year still shows how it got where it is). Deletes
// run in batches (a batch of stores, or of audit rows) so that no statement
// holds locks on a large part of a table, and running it twice, or on two
// controller replicas at once, only repeats work that is already done.
import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.ts";

export interface StoreEventRetention {
  /** Events created before this instant may go… */
  before: Date;
  /** …unless they are among the store's newest `keepPerStore`. */
  keepPerStore: number;
  /** Stores handled per statement. */
  storeBatch?: number;
}

/** Deletes old store events, keeping each store's newest; returns how many went. */
export async function pruneStoreEvents(
  db: Kysely<Database>,
  policy: StoreEventRetention,
): Promise<number> {
  const batch = policy.storeBatch ?? 500;
  const keep = Math.max(0, Math.floor(policy.keepPerStore));
  let deleted = 0;
  let lastId: string | null = null;
  for (;;) {
    let idsQuery = db.selectFrom("stores").select("id").orderBy("id").limit(batch);
    if (lastId) idsQuery = idsQuery.where("id", ">", lastId);
    const ids = (await idsQuery.execute()).map((row) => row.id);
    if (ids.length === 0) break;
    lastId = ids[ids.length - 1] as string;
    // Per store, the id of its keep-th newest event (one probe of
    // store_events_store_idx); older ones past the window are deleted through
    // store_events_store_created_idx. A store with fewer events keeps them all.
    const result = await sql`
      with keep as (
        select s.id as store_id,
          (select e.id from store_events e where e.store_id = s.id
            order by e.id desc offset ${keep} limit 1) as newest_deletable
        from (values ${sql.join(ids.map((id) => sql`(${id}::uuid)`))}) as s(id)
      )
      delete from store_events e using keep k
      where e.store_id = k.store_id
        and e.created_at < ${policy.before}
        and e.id <= k.newest_deletable`.execute(db);
    deleted += Number(result.numAffectedRows ?? 0);
    if (ids.length < batch) break;
  }
  return deleted;
}

export interface AuditRetention {
  /** Audit rows created before this instant are deleted. */
  before: Date;
  /** Rows per statement. */
  batchSize?: number;
}

/** Deletes audit rows older than the window, oldest first; returns how many went. */
export async function pruneAuditLog(db: Kysely<Database>, policy: AuditRetention): Promise<number> {
  const batch = policy.batchSize ?? 5_000;
  let deleted = 0;
  for (;;) {
    // `id = any(array(…))`, not `id in (select …)`: with IN, Postgres joins the
    // batch against the whole table (a hash semi join over a sequential scan,
    // 0.35 s per batch at 1,000,000 rows, bench:retention); an array of ids
    // is looked up through the primary key.
    const result = await sql`
      delete from audit_log
      where id = any(array(
        select id from audit_log
        where created_at < ${policy.before}
        order by created_at
        limit ${batch}))`.execute(db);
    const count = Number(result.numAffectedRows ?? 0);
    deleted += count;
    if (count < batch) break;
  }
  return deleted;
}
