// The public surface of @storeplane/backup: backup objects in an S3-compatible
// store (streaming upload with sha256, verified download, list, delete,
// retention) and the key layout. Everything else is internal.
export {
  type ObjectStoreConfig,
  type ObjectStoreConfigInput,
  objectStoreConfigFromEnv,
  objectStoreConfigSchema,
  parseObjectStoreConfig,
} from "./config.ts";
export { ObjectStoreError, type ObjectStoreErrorKind, objectStoreErrorFrom } from "./errors.ts";
export {
  assertBackupId,
  assertStoreName,
  backupPrefix,
  MANIFEST_NAME,
  manifestKey,
  partKey,
  storePrefix,
} from "./keys.ts";
export {
  type BackupManifest,
  type BackupSpec,
  backupSpecSchema,
  ENGINES,
  fetchBackup,
  manifestSchema,
  parseManifest,
  sha256Of,
  type WrittenBackup,
  writeBackup,
} from "./manifest.ts";
export {
  createObjectStore,
  type ObjectStore,
  type PutResult,
  type StoredObject,
} from "./object-store.ts";
export { pruneBackups } from "./prune.ts";
export { backupsToPrune, type StoredBackup } from "./retention.ts";
