// Frozen in time: never import application code here.
//
// Indexes for list filters scoped to one owner, and for the admin list's
// filters over every store (finished deletions included, its default), so
// that the filtered page and its total are read from an index, never from a
// scan of the stores table. bench:list found these counts doing a Seq Scan at
// 10,000 stores: a member's stores of one engine, and an admin's search of one
// owner's stores in one phase. Each index is in list order (created_at, id),
// so the page query walks it without a sort.
import { type Kysely, sql } from "kysely";

const INDEXES: [name: string, definition: string][] = [
  // A member's live stores, by engine / by phase.
  [
    "stores_live_owner_engine_list_idx",
    "(owner_id, engine, created_at, id) where deleted_at is null",
  ],
  [
    "stores_live_owner_phase_list_idx",
    "(owner_id, phase, created_at, id) where deleted_at is null",
  ],
  // The admin list (deletions included): by engine, by phase, and per owner.
  ["stores_engine_list_idx", "(engine, created_at, id)"],
  ["stores_phase_list_idx", "(phase, created_at, id)"],
  ["stores_owner_engine_list_idx", "(owner_id, engine, created_at, id)"],
  ["stores_owner_phase_list_idx", "(owner_id, phase, created_at, id)"],
];

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, definition] of INDEXES)
    await sql`create index ${sql.id(name)} on stores ${sql.raw(definition)}`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations run against any schema version
export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of INDEXES) await sql`drop index if exists ${sql.id(name)}`.execute(db);
}
