// Frozen in time: never import application code here.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'member')`))
    .addColumn("store_limit", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  await db.schema
    .createTable("sessions")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("csrf_hash", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_seen_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema.createIndex("sessions_user_idx").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("token_prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("expires_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .execute();
  await db.schema.createIndex("api_tokens_user_idx").on("api_tokens").column("user_id").execute();

  await db.schema
    .createTable("stores")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("engine", "text", (c) => c.notNull().check(sql`engine in ('woocommerce', 'medusa')`))
    .addColumn("owner_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("spec", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("generation", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("observed_generation", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("deletion_requested_at", "timestamptz")
    .addColumn("deleted_at", "timestamptz")
    .addColumn("phase", "text", (c) => c.notNull().defaultTo("Pending"))
    .addColumn("conditions", "jsonb", (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn("store_url", "text")
    .addColumn("admin_url", "text")
    .addColumn("failure_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("next_reconcile_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("claimed_by", "text")
    .addColumn("claim_expires_at", "timestamptz")
    .addColumn("provisioning_started_at", "timestamptz")
    .addColumn("ready_at", "timestamptz")
    .addColumn("idempotency_key", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A name is taken while its store lives, including while it is being deleted
  // (its namespace still exists); it is free again once the controller marks it deleted.
  await sql`create unique index stores_live_name_key on stores (name) where deleted_at is null`.execute(
    db,
  );
  await sql`create unique index stores_idempotency_key on stores (owner_id, idempotency_key) where idempotency_key is not null`.execute(
    db,
  );
  await sql`create index stores_due_idx on stores (next_reconcile_at) where deleted_at is null`.execute(
    db,
  );
  await sql`create index stores_owner_idx on stores (owner_id) where deleted_at is null`.execute(
    db,
  );

  await db.schema
    .createTable("store_events")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("store_id", "uuid", (c) => c.notNull().references("stores.id").onDelete("cascade"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("type", "text", (c) => c.notNull().check(sql`type in ('Normal', 'Warning')`))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("store_events_store_idx")
    .on("store_events")
    .columns(["store_id", "id"])
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("actor_user_id", "uuid")
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("details", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createIndex("audit_log_target_idx")
    .on("audit_log")
    .columns(["target_type", "target_id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["audit_log", "store_events", "stores", "api_tokens", "sessions", "users"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
