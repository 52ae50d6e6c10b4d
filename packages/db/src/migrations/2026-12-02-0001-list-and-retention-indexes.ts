// Frozen in time: never import application code here.
//
// Indexes for the paginated lists (newest first, id as tiebreak, keyset
// cursors) and for the retention sweeps, so that neither ever reads the whole
// stores, store_events or audit_log table.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  // Live stores of everyone (admins) and of one owner, in list order. The
  // owner index also serves quota counts, so it replaces stores_owner_idx.
  await sql`create index stores_live_list_idx on stores (created_at, id) where deleted_at is null`.execute(
    db,
  );
  await sql`create index stores_live_owner_list_idx on stores (owner_id, created_at, id) where deleted_at is null`.execute(
    db,
  );
  await sql`drop index stores_owner_idx`.execute(db);
  // With deleted stores (the admin list's default, `includeDeleted`).
  await sql`create index stores_list_idx on stores (created_at, id)`.execute(db);
  await sql`create index stores_owner_list_idx on stores (owner_id, created_at, id)`.execute(db);
  // Name-prefix search: text_pattern_ops makes `like 'abc%'` an index range
  // whatever the database's collation.
  await sql`create index stores_name_prefix_idx on stores (name text_pattern_ops)`.execute(db);
  // Phase and engine filters in list order, and counts per phase/engine.
  await sql`create index stores_live_phase_list_idx on stores (phase, created_at, id) where deleted_at is null`.execute(
    db,
  );
  await sql`create index stores_live_engine_list_idx on stores (engine, created_at, id) where deleted_at is null`.execute(
    db,
  );

  // The admin users list (joined order) and its email-prefix search.
  await sql`create index users_list_idx on users (created_at, id)`.execute(db);
  await sql`create index users_email_prefix_idx on users (lower(email) text_pattern_ops)`.execute(
    db,
  );

  // Retention: audit rows are pruned by age alone; store events by age per
  // store (store_events_store_idx on (store_id, id) finds each store's newest).
  await sql`create index audit_log_created_idx on audit_log (created_at)`.execute(db);
  await sql`create index store_events_store_created_idx on store_events (store_id, created_at)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    "store_events_store_created_idx",
    "audit_log_created_idx",
    "users_email_prefix_idx",
    "users_list_idx",
    "stores_live_engine_list_idx",
    "stores_live_phase_list_idx",
    "stores_name_prefix_idx",
    "stores_owner_list_idx",
    "stores_list_idx",
    "stores_live_owner_list_idx",
    "stores_live_list_idx",
  ]) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db);
  }
  await sql`create index stores_owner_idx on stores (owner_id) where deleted_at is null`.execute(
    db,
  );
}
