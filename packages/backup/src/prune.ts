// Retention applied to a bucket: keep the newest `keep` complete backups of a
// store, delete the folders of the rest. Returns what it removed so the
// caller can mark those backups deleted in its own records.
import { backupPrefix } from "./keys.ts";
import type { ObjectStore } from "./object-store.ts";
import { backupsToPrune } from "./retention.ts";

export async function pruneBackups(
  objects: ObjectStore,
  store: string,
  keep: number,
): Promise<string[]> {
  const doomed = backupsToPrune(await objects.listBackups(store), keep);
  for (const backup of doomed) await objects.deletePrefix(backupPrefix(store, backup.backupId));
  return doomed.map((b) => b.backupId);
}
