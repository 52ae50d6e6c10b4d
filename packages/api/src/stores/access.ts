// Which store a caller may touch. Members reach only their own stores; admins
// reach all. Anything else looks exactly like a store that does not exist.
import { type Database, findStoreById, type Store } from "@storeplane/db";
import type { Kysely } from "kysely";
import { storeNotFound } from "../errors.ts";
import type { Auth } from "../trpc.ts";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The store `ref` (an id, or a name) names, if the caller may see it. A name
 * means the live store of that name, else the caller's most recent deleted one
 * (so `get <name>` still answers after a deletion finished).
 */
export async function findVisibleStore(
  db: Kysely<Database>,
  auth: Auth,
  ref: string,
): Promise<Store> {
  const isAdmin = auth.user.role === "admin";
  let store: Store | undefined;
  if (UUID_PATTERN.test(ref)) {
    store = await findStoreById(db, ref.toLowerCase());
  } else {
    let query = db
      .selectFrom("stores")
      .selectAll()
      .where("name", "=", ref)
      .orderBy("deleted_at", (order) => order.desc().nullsFirst())
      .orderBy("created_at", "desc")
      .limit(1);
    if (!isAdmin) query = query.where("owner_id", "=", auth.user.id);
    store = await query.executeTakeFirst();
  }
  if (!store || (!isAdmin && store.owner_id !== auth.user.id)) throw storeNotFound(ref);
  return store;
}
