// The "record" step of a backup whose Job completed: the result is read from
// the bucket, not from the Job's logs. The manifest the Job wrote last is the
// proof the backup is complete; its sha256, total size and key go on the
// row. For a scheduled backup, retention then removes the store's backups
// beyond the schedule's `keep` from the bucket and marks their rows pruned.

import {
  backupPrefix,
  manifestKey,
  type ObjectStore,
  ObjectStoreError,
  parseManifest,
  sha256Of,
} from "@storeplane/backup";
import {
  type Backup,
  backupsBeyondKeep,
  completeBackup,
  type Database,
  failBackup,
  findBackupSchedule,
  markBackupsPruned,
} from "@storeplane/db";
import type { Kysely } from "kysely";

export type RecordOutcome =
  | { outcome: "succeeded"; sizeBytes: number; sha256: string; pruned: string[] }
  | { outcome: "failed"; error: string };

export async function recordCompletedBackup(
  db: Kysely<Database>,
  objects: ObjectStore,
  backup: Backup,
  storeName: string,
  now: Date,
): Promise<RecordOutcome> {
  const key = manifestKey(storeName, backup.id);
  let bytes: Buffer;
  try {
    bytes = await objects.getBytes(key);
  } catch (error) {
    // A transient store failure leaves the row running: the next pass reads again.
    if (error instanceof ObjectStoreError && error.transient) throw error;
    const message = `the backup Job completed but its manifest cannot be read: ${(error as Error).message}`;
    await failBackup(db, backup.id, { error: message }, now);
    return { outcome: "failed", error: message };
  }
  const manifest = parseManifest(bytes, key);
  if (manifest.backupId !== backup.id || manifest.store !== storeName) {
    const message = `manifest ${key} describes ${manifest.store}/${manifest.backupId}, not this backup`;
    await failBackup(db, backup.id, { error: message }, now);
    return { outcome: "failed", error: message };
  }
  const sha256 = sha256Of(bytes);
  const sizeBytes = manifest.totalSize + bytes.length;
  const startedAt = backup.started_at ?? backup.created_at;
  await completeBackup(
    db,
    backup.id,
    {
      sizeBytes,
      durationMs: Math.max(0, now.getTime() - startedAt.getTime()),
      sha256,
      objectKey: key,
    },
    now,
  );
  const pruned: string[] = [];
  if (backup.kind === "scheduled") {
    const schedule = await findBackupSchedule(db, backup.store_id);
    if (schedule) {
      // By the rows' completion times, not the bucket's LastModified (seconds only).
      for (const old of await backupsBeyondKeep(db, backup.store_id, schedule.keep)) {
        await objects.deletePrefix(backupPrefix(storeName, old.id));
        pruned.push(old.id);
      }
      await markBackupsPruned(db, pruned, now);
    }
  }
  return { outcome: "succeeded", sizeBytes, sha256, pruned };
}
