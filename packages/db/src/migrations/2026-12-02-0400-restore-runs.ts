// Frozen in time: never import application code here.
//
// What the controller's restore runner records on a restore while it runs:
// the app workloads it scaled to zero with the replicas to bring back (so a
// restarted controller scales back the same ones), and the name of the
// restore Job once applied (a Job missing after that is a failure, not a
// Job still to start).
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("store_restores")
    .addColumn("scaled_workloads", "jsonb")
    .addColumn("job_name", "text")
    .execute();
  await sql`create index store_restores_active_idx on store_restores (created_at) where status in ('requested', 'running')`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists store_restores_active_idx`.execute(db);
  await db.schema
    .alterTable("store_restores")
    .dropColumn("job_name")
    .dropColumn("scaled_workloads")
    .execute();
}
