// Frozen in time: never import application code here.
//
// Fleet operations (issue 16), suspend and resume: desired state. A suspended
// store keeps its namespace, volumes and Secrets; the controller renders its
// chart with every workload at zero replicas and a "paused" page on its URL.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("stores")
    .addColumn("suspended", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("stores").dropColumn("suspended").execute();
}
