// Backups of deleted stores: deleting a store removes its backups from the
// bucket (the controller's backup pass does it, retrying while the bucket is
// unreachable) and marks their rows pruned. The rows stay as history.
import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";

export interface DeletedStoreBackups {
  storeId: string;
  storeName: string;
  backupIds: string[];
}

/**
 * Deleted stores that still have unpruned backup rows (any status: a failed
 * attempt may have left parts), oldest deletion first, with those rows' ids.
 */
export async function listDeletedStoresWithBackups(
  db: Kysely<Database>,
  limit = 20,
): Promise<DeletedStoreBackups[]> {
  const rows = await db
    .selectFrom("backups")
    .innerJoin("stores", "stores.id", "backups.store_id")
    .select(["stores.id as storeId", "stores.name as storeName", "backups.id as backupId"])
    .where("stores.deleted_at", "is not", null)
    .where("backups.pruned_at", "is", null)
    .where("backups.store_id", "in", (eb) =>
      eb
        .selectFrom("stores as s")
        .innerJoin("backups as b", "b.store_id", "s.id")
        .select("s.id")
        .where("s.deleted_at", "is not", null)
        .where("b.pruned_at", "is", null)
        .groupBy("s.id")
        .orderBy((e) => e.fn.min("s.deleted_at"))
        .limit(limit),
    )
    .orderBy("stores.deleted_at")
    .orderBy("backups.id")
    .execute();
  const byStore = new Map<string, DeletedStoreBackups>();
  for (const row of rows) {
    const entry = byStore.get(row.storeId) ?? {
      storeId: row.storeId,
      storeName: row.storeName,
      backupIds: [],
    };
    entry.backupIds.push(row.backupId);
    byStore.set(row.storeId, entry);
  }
  return [...byStore.values()];
}
