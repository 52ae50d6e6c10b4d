// Frozen in time: never import application code here.
//
// Facts about the database itself, written once. The first: which CLUSTER mode
// (real Kubernetes or the simulated cluster) this database belongs to, so that
// demo stores made in simulated mode are never reconciled against a real
// cluster, and real stores never fed to the simulator.
import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("platform_settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("platform_settings").execute();
}
