// Frozen in time: never import application code here.
//
// Fleet operations (issue 16), automatic rollback: a rollout whose gate fails
// for a store sets `rollback_chart_version` to the version the store goes back
// to. While the store is assigned that version and its release does not yet
// run it, the controller runs `helm rollback` to the release's last revision
// of that version instead of a new `helm upgrade`; it clears the column once
// the release is deployed on it. Existing stores start without one.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("stores").addColumn("rollback_chart_version", "text").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("stores").dropColumn("rollback_chart_version").execute();
}
