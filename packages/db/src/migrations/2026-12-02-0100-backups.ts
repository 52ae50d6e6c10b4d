// Frozen in time: never import application code here.
//
// Backups (desired state and record of each backup Job), restores and clones
// (desired state of each restore Job), and one backup schedule per store.
// Partial unique indexes make "one backup at a time per store" and "one
// restore at a time per target store" hold under concurrency, not only in the
// API's checks.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("backups")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("store_id", "uuid", (c) => c.notNull().references("stores.id").onDelete("cascade"))
    .addColumn("owner_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('on-demand', 'scheduled')`))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("requested")
        .check(sql`status in ('requested', 'running', 'succeeded', 'failed')`),
    )
    .addColumn("requested_by", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint")
    .addColumn("duration_ms", "integer")
    /** sha256 of the manifest, which lists every part's sha256. */
    .addColumn("sha256", "text")
    .addColumn("object_key", "text")
    .addColumn("error", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    /** Set when retention (or the store's deletion) removed its objects. */
    .addColumn("pruned_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index backups_store_list_idx on backups (store_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`create unique index backups_one_active_per_store on backups (store_id) where status in ('requested', 'running')`.execute(
    db,
  );
  await sql`create index backups_due_idx on backups (next_attempt_at) where status in ('requested', 'running')`.execute(
    db,
  );

  await db.schema
    .createTable("store_restores")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("backup_id", "uuid", (c) => c.notNull().references("backups.id"))
    /** The store restored into: the backup's own store, or the new store of a clone. */
    .addColumn("target_store_id", "uuid", (c) =>
      c.notNull().references("stores.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('restore', 'clone')`))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("requested")
        .check(sql`status in ('requested', 'running', 'succeeded', 'failed')`),
    )
    .addColumn("requested_by", "text", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index store_restores_one_active_per_store on store_restores (target_store_id) where status in ('requested', 'running')`.execute(
    db,
  );

  await db.schema
    .createTable("backup_schedules")
    .addColumn("store_id", "uuid", (c) =>
      c.primaryKey().references("stores.id").onDelete("cascade"),
    )
    .addColumn("frequency", "text", (c) =>
      c.notNull().check(sql`frequency in ('hourly', 'daily', 'weekly')`),
    )
    .addColumn("keep", "integer", (c) => c.notNull().check(sql`keep between 1 and 100`))
    .addColumn("next_run_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("backup_schedules_due_idx")
    .on("backup_schedules")
    .column("next_run_at")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("backup_schedules").ifExists().execute();
  await db.schema.dropTable("store_restores").ifExists().execute();
  await db.schema.dropTable("backups").ifExists().execute();
}
