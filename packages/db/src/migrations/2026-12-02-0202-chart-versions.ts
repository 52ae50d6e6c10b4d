// Frozen in time: never import application code here.
//
// Fleet operations (issue 16), chart versions as data: the engine chart version
// each store should run (assigned: the controller gives a store without one the
// current default on its next pass, then it stays until something — a rollout —
// assigns another) and the one it runs (written once a release of it is deployed).
// Existing stores start with neither, so this migration upgrades nothing.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("stores")
    .addColumn("chart_version", "text")
    .addColumn("deployed_chart_version", "text")
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("stores")
    .dropColumn("deployed_chart_version")
    .dropColumn("chart_version")
    .execute();
}
