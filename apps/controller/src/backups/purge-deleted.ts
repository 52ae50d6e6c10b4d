// Backups go with their store: once a store is deleted (its namespace gone
// and its row marked deleted), its backups are removed from the bucket and
// their rows marked pruned (kept as history). A pass of its own, on an
// interval beside the backup runner: an unreachable or refusing bucket only
// leaves the rows for the next pass, and never holds up the deletion, which
// has already finished by then.
import { backupPrefix, type ObjectStore } from "@storeplane/backup";
import { type Database, listDeletedStoresWithBackups, markBackupsPruned } from "@storeplane/db";
import type { Kysely } from "kysely";
import type { Logger } from "pino";

export const PURGE_PASS_INTERVAL_MS = 60_000;

export interface PurgeOutcome {
  /** Backup ids removed from the bucket and marked pruned. */
  purged: string[];
  /** Stores whose backups stay for the next pass, with the reason. */
  deferred: Array<{ store: string; reason: string }>;
}

export async function purgeBackupsOfDeletedStores(
  db: Kysely<Database>,
  objects: ObjectStore,
  now: Date,
): Promise<PurgeOutcome> {
  const outcome: PurgeOutcome = { purged: [], deferred: [] };
  for (const store of await listDeletedStoresWithBackups(db)) {
    const done: string[] = [];
    try {
      // Per backup, never the whole stores/<name>/ prefix: the name of a
      // deleted store is free again, and a new store of that name has its own backups.
      for (const id of store.backupIds) {
        await objects.deletePrefix(backupPrefix(store.storeName, id));
        done.push(id);
      }
    } catch (error) {
      outcome.deferred.push({ store: store.storeName, reason: (error as Error).message });
    }
    // What was removed is recorded even when a later backup of the store failed.
    await markBackupsPruned(db, done, now);
    outcome.purged.push(...done);
  }
  return outcome;
}

/** Starts the periodic purge; returns a stop function. */
export function startBackupPurge(
  deps: { db: Kysely<Database>; objects: ObjectStore; logger: Logger },
  intervalMs = PURGE_PASS_INTERVAL_MS,
): () => Promise<void> {
  const log = deps.logger.child({ component: "backup-purge" });
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = purgeBackupsOfDeletedStores(deps.db, deps.objects, new Date())
      .then(({ purged, deferred }) => {
        if (purged.length > 0)
          log.info({ count: purged.length }, "backups of deleted stores removed");
        for (const d of deferred)
          log.warn(d, "backups of a deleted store not removed yet; retrying next pass");
      })
      .catch((error) => log.warn({ err: (error as Error).message }, "backup purge pass failed"))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
