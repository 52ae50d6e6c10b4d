// Which backups a "keep N" schedule removes. Only complete backups (their
// manifest was written last, so its presence means every part is there) count
// towards N and are ever pruned; a folder without a manifest is a backup still
// being written, or a failed one the controller cleans up by its own record.

export interface StoredBackup {
  backupId: string;
  /** When the manifest was written (the backup's completion). */
  completedAt: Date;
}

/**
 * The backups beyond the newest `keep`, oldest last in the returned order.
 * Completion times from a bucket's LastModified have second resolution;
 * within one second the backup id decides. The controller prunes by its own
 * rows' completion times instead (backupsBeyondKeep in packages/db).
 */
export function backupsToPrune(backups: readonly StoredBackup[], keep: number): StoredBackup[] {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new Error(`keep must be a whole number of at least 1, got ${keep}`);
  }
  return [...backups]
    .sort(
      (a, b) =>
        b.completedAt.getTime() - a.completedAt.getTime() || b.backupId.localeCompare(a.backupId),
    )
    .slice(keep);
}
