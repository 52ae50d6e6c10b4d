// Which backup a caller may touch: one of a store they may see. Another
// owner's backup looks exactly like one that does not exist (NOT_FOUND).
import {
  type Backup,
  type Database,
  findBackupById,
  findStoreById,
  type Store,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import { NotFoundError } from "../errors.ts";
import type { Auth } from "../trpc.ts";

export function backupNotFound(id: string): NotFoundError {
  return new NotFoundError(`backup not found: ${id}`);
}

export async function findVisibleBackup(
  db: Kysely<Database>,
  auth: Auth,
  id: string,
): Promise<{ backup: Backup; store: Store }> {
  const backup = await findBackupById(db, id.toLowerCase());
  if (!backup) throw backupNotFound(id);
  const store = await findStoreById(db, backup.store_id);
  const isAdmin = auth.user.role === "admin";
  if (
    !store ||
    (!isAdmin && (store.owner_id !== auth.user.id || backup.owner_id !== auth.user.id))
  ) {
    throw backupNotFound(id);
  }
  return { backup, store };
}
