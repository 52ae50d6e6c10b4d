// Frozen in time: never import application code here.
//
// Fleet operations (issue 16), deletion protection: a per-store flag that makes
// a deletion request fail until someone turns it off. It is a guard on the
// desired state, not part of it, so toggling it never bumps `generation`.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("stores")
    .addColumn("deletion_protection", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("stores").dropColumn("deletion_protection").execute();
}
