// The controller's backup settings, from the variables the platform chart
// renders (charts/platform/templates/_helpers.tpl, sp.backupEnv). Null when
// backups are off. A pure function of the environment it is given, called
// with the process environment at the composition root.
import { type ObjectStoreConfig, parseObjectStoreConfig } from "@storeplane/backup";
import type { ObjectStoreTarget } from "./job-spec.ts";
import { DEFAULT_RESTORE_WORDPRESS_IMAGE } from "./restore-job-spec.ts";

export interface BackupSettings {
  image: string;
  /** WooCommerce restores: the WP-CLI image that applies the parts (RESTORE_WORDPRESS_IMAGE). */
  restoreWordpressImage: string;
  /** For the controller's own reads (manifests) and retention deletes. */
  objectStore: ObjectStoreConfig;
  /** What the backup Jobs get (no credentials: those are copied as a Secret). */
  target: ObjectStoreTarget;
}

export function readBackupSettings(env: NodeJS.ProcessEnv): BackupSettings | null {
  if (env.BACKUPS_ENABLED !== "true") return null;
  const problems: string[] = [];
  if (!env.BACKUP_IMAGE) problems.push("BACKUP_IMAGE: must be set");
  const port = Number(env.BACKUP_EGRESS_PORT ?? "443");
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push("BACKUP_EGRESS_PORT: must be a port number (1-65535)");
  }
  let objectStore: ObjectStoreConfig | undefined;
  try {
    objectStore = parseObjectStoreConfig({
      endpoint: env.BACKUP_S3_ENDPOINT,
      region: env.BACKUP_S3_REGION || undefined,
      bucket: env.BACKUP_S3_BUCKET,
      prefix: env.BACKUP_S3_PREFIX || undefined,
      forcePathStyle: env.BACKUP_S3_FORCE_PATH_STYLE
        ? env.BACKUP_S3_FORCE_PATH_STYLE === "true"
        : undefined,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    });
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0 || !objectStore) {
    throw new Error(
      `BACKUPS_ENABLED=true but the backup settings are incomplete: ${problems.join("; ")}`,
    );
  }
  const egress = env.BACKUP_EGRESS_NAMESPACE
    ? { namespace: env.BACKUP_EGRESS_NAMESPACE, port }
    : { cidr: env.BACKUP_EGRESS_CIDR || "0.0.0.0/0", port };
  return {
    image: env.BACKUP_IMAGE as string,
    restoreWordpressImage: env.RESTORE_WORDPRESS_IMAGE || DEFAULT_RESTORE_WORDPRESS_IMAGE,
    objectStore,
    target: {
      endpoint: objectStore.endpoint,
      bucket: objectStore.bucket,
      region: objectStore.region,
      prefix: objectStore.prefix,
      forcePathStyle: objectStore.forcePathStyle,
      egress,
    },
  };
}
