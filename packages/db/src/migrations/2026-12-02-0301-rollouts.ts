// Frozen in time: never import application code here.
//
// Fleet operations (issue 16), rollouts: a new engine chart version moved onto
// the stores in waves (ADR 008). `rollouts` holds the plan and where it stands;
// `rollout_stores` fixes, when the rollout starts, which stores take part, in
// which wave, and the version each one goes back to on a rollback. A partial
// unique index makes "one active rollout per engine" hold under concurrency.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rollouts")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("engine", "text", (c) => c.notNull().check(sql`engine in ('woocommerce', 'medusa')`))
    .addColumn("target_chart_version", "text", (c) => c.notNull())
    /** JSON array of `{ "stores": n }` / `{ "percent": p }`, as validated by the API. */
    .addColumn("waves", "jsonb", (c) => c.notNull())
    .addColumn("wave_deadline_seconds", "integer", (c) =>
      c.notNull().check(sql`wave_deadline_seconds > 0`),
    )
    .addColumn("pause_seconds", "integer", (c) => c.notNull().check(sql`pause_seconds >= 0`))
    .addColumn("max_unavailable", "integer", (c) => c.notNull().check(sql`max_unavailable > 0`))
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("running")
        .check(sql`state in ('running', 'paused', 'halted', 'aborted', 'completed')`),
    )
    .addColumn("halt_reason", "text")
    .addColumn("halted_store_id", "uuid", (c) => c.references("stores.id").onDelete("set null"))
    /** "user:<email>", "token:<prefix>" */
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .execute();
  await sql`create unique index rollouts_one_active_per_engine on rollouts (engine) where state in ('running', 'paused', 'halted')`.execute(
    db,
  );
  await sql`create index rollouts_list_idx on rollouts (created_at desc, id desc)`.execute(db);

  await db.schema
    .createTable("rollout_stores")
    .addColumn("rollout_id", "uuid", (c) =>
      c.notNull().references("rollouts.id").onDelete("cascade"),
    )
    .addColumn("store_id", "uuid", (c) => c.notNull().references("stores.id").onDelete("cascade"))
    /** 1-based; wave 1 is the canary. */
    .addColumn("wave", "integer", (c) => c.notNull().check(sql`wave >= 1`))
    /** Order inside the rollout (a stable hash of the store id), so waves are reproducible. */
    .addColumn("position", "integer", (c) => c.notNull())
    /** The chart version the store ran when the rollout started: where a rollback goes. */
    .addColumn("from_chart_version", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(
          sql`state in ('pending', 'upgrading', 'succeeded', 'failed', 'rolled-back', 'skipped')`,
        ),
    )
    /** The store's generation once the new version was assigned: the gate waits for it. */
    .addColumn("assigned_generation", "integer")
    .addColumn("reason", "text")
    .addColumn("started_at", "timestamptz")
    .addColumn("finished_at", "timestamptz")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("rollout_stores_pkey", ["rollout_id", "store_id"])
    .execute();
  await sql`create unique index rollout_stores_order_idx on rollout_stores (rollout_id, position)`.execute(
    db,
  );
  await sql`create index rollout_stores_store_idx on rollout_stores (store_id)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rollout_stores").ifExists().execute();
  await db.schema.dropTable("rollouts").ifExists().execute();
}
