// Paginated store and user lists for the API, the dashboard and storectl.
// Keyset pagination, newest first with the id as tiebreak: a page costs the
// same at the 10,000th store as at the first, and rows inserted meanwhile never
// shift a page (as OFFSET would). The cursor is the last row's id; its
// (created_at, id) is looked up inside the query so the comparison keeps
// Postgres' microseconds, which a JavaScript Date would round away.
// Indexes: migrations/2026-12-02-0001-list-and-retention-indexes.ts.
import { type ExpressionBuilder, type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { Engine, Phase } from "../domain.ts";
import type { Database, Store, User } from "../schema.ts";

export interface StorePageQuery {
  /** Only this owner's stores; all owners when absent. */
  ownerId?: string | undefined;
  /** Include stores the controller has finished deleting. */
  includeDeleted?: boolean | undefined;
  engine?: Engine | undefined;
  phase?: Phase | undefined;
  /** Names starting with this (store names are lowercase). */
  namePrefix?: string | undefined;
  /** The id of the last store of the previous page. */
  after?: string | undefined;
  limit: number;
}

export interface Page<Row> {
  items: Row[];
  /** Rows matching the filters over all pages. */
  total: number;
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: string | null;
}

/** `%`, `_` and `\` match literally in a LIKE prefix. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterStores<O>(
  query: SelectQueryBuilder<Database, "stores", O>,
  filter: StorePageQuery,
): SelectQueryBuilder<Database, "stores", O> {
  let q = query;
  if (filter.ownerId) q = q.where("owner_id", "=", filter.ownerId);
  if (!filter.includeDeleted) q = q.where("deleted_at", "is", null);
  if (filter.engine) q = q.where("engine", "=", filter.engine);
  if (filter.phase) q = q.where("phase", "=", filter.phase);
  if (filter.namePrefix) q = q.where("name", "like", likePrefix(filter.namePrefix));
  return q;
}

/** A page of stores, newest first, with the total matching the filters. */
export async function listStoresPage(
  db: Kysely<Database>,
  filter: StorePageQuery,
): Promise<Page<Store>> {
  // One snapshot for the rows and the total, so a page never shows a total
  // from before a change and rows from after it (the dashboard re-fetches
  // while the controller commits).
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      let itemsQuery = filterStores(trx.selectFrom("stores").selectAll(), filter);
      if (filter.after) itemsQuery = itemsQuery.where(before(filter.after));
      const rows = await itemsQuery
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        // One more than asked: tells whether another page exists without a second query.
        .limit(filter.limit + 1)
        .execute();
      const count = await filterStores(
        trx.selectFrom("stores").select((eb) => eb.fn.countAll<string>().as("count")),
        filter,
      ).executeTakeFirstOrThrow();
      return toPage(rows, Number(count.count), filter.limit);
    });
}

export interface UserPageQuery {
  /** Emails starting with this, case-insensitive. */
  emailPrefix?: string | undefined;
  after?: string | undefined;
  limit: number;
}

/** A page of users in the order they joined (oldest first: the first admin leads). */
export async function listUsersPage(
  db: Kysely<Database>,
  filter: UserPageQuery,
): Promise<Page<User>> {
  const filtered = <O>(query: SelectQueryBuilder<Database, "users", O>) =>
    filter.emailPrefix
      ? query.where(sql<string>`lower(email)`, "like", likePrefix(filter.emailPrefix.toLowerCase()))
      : query;
  let itemsQuery = filtered(db.selectFrom("users").selectAll());
  if (filter.after) {
    const after = filter.after;
    itemsQuery = itemsQuery.where(
      (eb) =>
        sql<boolean>`(${eb.ref("created_at")}, ${eb.ref("id")}) > (select u.created_at, u.id from users u where u.id = ${after})`,
    );
  }
  const [rows, count] = await Promise.all([
    itemsQuery
      .orderBy("created_at", "asc")
      .orderBy("id", "asc")
      .limit(filter.limit + 1)
      .execute(),
    filtered(
      db.selectFrom("users").select((eb) => eb.fn.countAll<string>().as("count")),
    ).executeTakeFirstOrThrow(),
  ]);
  return toPage(rows, Number(count.count), filter.limit);
}

/** Live stores per owner, for the owners given (one indexed query for a page of users). */
export async function countLiveStoresByOwner(
  db: Kysely<Database>,
  ownerIds: readonly string[],
): Promise<Map<string, number>> {
  if (ownerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("stores")
    .select(["owner_id", (eb) => eb.fn.countAll<string>().as("count")])
    .where("owner_id", "in", ownerIds)
    .where("deleted_at", "is", null)
    .groupBy("owner_id")
    .execute();
  return new Map(rows.map((row) => [row.owner_id, Number(row.count)]));
}

/** Emails of the given users (the owners on a page of stores). */
export async function findUserEmails(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("users")
    .select(["id", "email"])
    .where("id", "in", ids)
    .execute();
  return new Map(rows.map((row) => [row.id, row.email]));
}

/** Rows after the cursor in newest-first order; no rows for a cursor that names no row. */
function before(after: string) {
  return (eb: ExpressionBuilder<Database, "stores">) =>
    sql<boolean>`(${eb.ref("created_at")}, ${eb.ref("id")}) < (select c.created_at, c.id from stores c where c.id = ${after})`;
}

function toPage<Row extends { id: string }>(rows: Row[], total: number, limit: number): Page<Row> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, total, nextAfter: rows.length > limit && last ? last.id : null };
}
