// Backup vocabulary shared by the API (validation), the controller (Jobs,
// schedules) and the dashboard. Plain data, no I/O.

export const BACKUP_KINDS = ["on-demand", "scheduled"] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

/** A backup's or a restore's progress; only `requested` and `running` are active. */
export const BACKUP_STATUSES = ["requested", "running", "succeeded", "failed"] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];
export const ACTIVE_BACKUP_STATUSES = ["requested", "running"] as const;

/** A backup's last verification; only `requested` and `running` are active. */
export const VERIFICATION_STATUSES = ["requested", "running", "passed", "failed"] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

export const RESTORE_KINDS = ["restore", "clone"] as const;
export type RestoreKind = (typeof RESTORE_KINDS)[number];

export const BACKUP_FREQUENCIES = ["hourly", "daily", "weekly"] as const;
export type BackupFrequency = (typeof BACKUP_FREQUENCIES)[number];
export const BACKUP_FREQUENCY_MS: Record<BackupFrequency, number> = {
  hourly: 3_600_000,
  daily: 86_400_000,
  weekly: 7 * 86_400_000,
};

/** How many complete backups a schedule keeps, at most. */
export const MAX_BACKUPS_KEPT = 100;
