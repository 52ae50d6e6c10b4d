// One page of stores for `stores.list` and `admin.stores`: resolves the owner
// filter, runs the keyset query and hands out the next page's cursor.
import {
  type Database,
  type Engine,
  findUserByEmail,
  findUserById,
  listStoresPage,
  type Phase,
  type Store,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import { encodeCursor, PAGE_LIMIT_DEFAULT, type PageOf } from "../schemas/pages.ts";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StorePageRequest {
  /** A user id already checked by the caller (a member's own id). */
  ownerId?: string | undefined;
  /** An admin's owner filter: an email or a user id. */
  owner?: string | undefined;
  includeDeleted?: boolean | undefined;
  engine?: Engine | undefined;
  phase?: Phase | undefined;
  namePrefix?: string | undefined;
  /** The row id from a decoded cursor. */
  after?: string | undefined;
  limit?: number | undefined;
}

export async function pageOfStores<View>(
  db: Kysely<Database>,
  request: StorePageRequest,
  toView: (stores: Store[]) => Promise<View[]> | View[],
): Promise<PageOf<View>> {
  const limit = request.limit ?? PAGE_LIMIT_DEFAULT;
  let ownerId = request.ownerId;
  if (request.owner !== undefined) {
    const owner = UUID_PATTERN.test(request.owner)
      ? await findUserById(db, request.owner.toLowerCase())
      : await findUserByEmail(db, request.owner);
    // An unknown owner owns nothing: an empty page, not an error that would
    // tell a guessed email apart from a real one.
    if (!owner) return { items: [], total: 0, nextCursor: null, limit };
    ownerId = owner.id;
  }
  const page = await listStoresPage(db, {
    ownerId,
    includeDeleted: request.includeDeleted,
    engine: request.engine,
    phase: request.phase,
    namePrefix: request.namePrefix,
    after: request.after,
    limit,
  });
  return {
    items: await toView(page.items),
    total: page.total,
    nextCursor: page.nextAfter ? encodeCursor(page.nextAfter) : null,
    limit,
  };
}
