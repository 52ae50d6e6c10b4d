// Frozen in time: never import application code here.
//
// A backup's last verification ("verify": restore it into a scratch
// database, start the engine, health check and order lookup, drop it). One
// set of columns on the backup, not a table: only the latest verification of
// a backup is shown and acted on, and a new request replaces it.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("backups")
    .addColumn("verification_status", "text", (c) =>
      c.check(sql`verification_status in ('requested', 'running', 'passed', 'failed')`),
    )
    .addColumn("verification_requested_by", "text")
    .addColumn("verification_requested_at", "timestamptz")
    .addColumn("verification_started_at", "timestamptz")
    /** When the last verification finished (passed or failed). */
    .addColumn("verified_at", "timestamptz")
    .addColumn("verification_error", "text")
    .addColumn("verification_duration_ms", "integer")
    /** Counts verification Jobs, so each gets a new name (verify-<id>-<n>). */
    .addColumn("verification_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // The verify runner's work list stays small however many backups exist.
  await sql`create index backups_active_verification_idx on backups (verification_requested_at) where verification_status in ('requested', 'running')`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists backups_active_verification_idx`.execute(db);
  await db.schema
    .alterTable("backups")
    .dropColumn("verification_status")
    .dropColumn("verification_requested_by")
    .dropColumn("verification_requested_at")
    .dropColumn("verification_started_at")
    .dropColumn("verified_at")
    .dropColumn("verification_error")
    .dropColumn("verification_duration_ms")
    .dropColumn("verification_attempts")
    .execute();
}
