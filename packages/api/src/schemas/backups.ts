// Inputs of the backup procedures (API, storectl and the dashboard's forms).
import { BACKUP_FREQUENCIES, MAX_BACKUPS_KEPT } from "@storeplane/db/domain";
import { z } from "zod";
import { inputObject, requiredString } from "./common.ts";
import { idempotencyKeySchema, storeNameSchema, storeRefSchema } from "./stores.ts";

export const backupIdSchema = requiredString().regex(
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  "must be a backup id",
);

export const createBackupInput = inputObject({ store: storeRefSchema });
export type CreateBackupInput = z.infer<typeof createBackupInput>;

export const listBackupsInput = inputObject({
  store: storeRefSchema,
  limit: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 200")
    .max(200, "must be between 1 and 200")
    .optional(),
});
export type ListBackupsInput = z.input<typeof listBackupsInput>;

/** Restoring overwrites the store's data: the caller confirms by typing the store's name. */
export const restoreBackupInput = inputObject({
  backupId: backupIdSchema,
  confirm: requiredString().min(1, "is required: type the store's name to confirm"),
});
export type RestoreBackupInput = z.infer<typeof restoreBackupInput>;

export const cloneBackupInput = inputObject({
  backupId: backupIdSchema,
  /** The new store's name; engine and plan are the source store's. */
  name: storeNameSchema,
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type CloneBackupInput = z.infer<typeof cloneBackupInput>;

/** Verify a backup (restore it into a scratch database and check it); default: the store's latest complete one. */
export const verifyBackupInput = inputObject({
  store: storeRefSchema,
  backupId: backupIdSchema.optional(),
});
export type VerifyBackupInput = z.infer<typeof verifyBackupInput>;

export const backupScheduleInput = inputObject({
  store: storeRefSchema,
  frequency: z.enum(BACKUP_FREQUENCIES, {
    error: () => `must be one of ${BACKUP_FREQUENCIES.join(", ")}`,
  }),
  keep: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, `must be between 1 and ${MAX_BACKUPS_KEPT}`)
    .max(MAX_BACKUPS_KEPT, `must be between 1 and ${MAX_BACKUPS_KEPT}`)
    .default(7),
});
export type BackupScheduleInput = z.input<typeof backupScheduleInput>;
