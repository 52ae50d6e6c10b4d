// The public surface of @storeplane/db: by name, only what other packages
// use (scripts/public-surface.ts lists them). Test helpers live in
// "@storeplane/db/testing", outside src/. One name per line, so parallel
// additions merge line by line.
export {
  type DatabaseHandle,
  type DatabaseKind,
  openDatabase,
} from "./connect.ts";
export {
  claimDatabaseMode,
  DatabaseModeMismatch,
} from "./database-mode.ts";
export {
  CONDITION_TYPES,
  type Condition,
  type ConditionType,
  conditionRank,
  ENGINES,
  type Engine,
  type EventType,
  type Phase,
  PLANS,
  type Plan,
  STEP_CONDITION_TYPES,
  type StoreSite,
  storeUrls,
} from "./domain.ts";
export {
  type DatabaseEnv,
  describeEnvIssues,
  readDatabaseEnv,
} from "./env.ts";
export { migrateToLatest } from "./migrate.ts";
export {
  createApiToken,
  findActiveApiTokenByHash,
  listApiTokens,
  revokeApiToken,
  touchApiToken,
} from "./repositories/api-tokens.ts";
export {
  type AppendAuditInput,
  appendAudit,
} from "./repositories/audit-log.ts";
export {
  type DeletedStoreBackups,
  listDeletedStoresWithBackups,
} from "./repositories/backup-purge.ts";
export {
  finishVerification,
  listActiveVerifications,
  markVerificationRunning,
  requestBackupVerification,
  type VerificationOutcome,
} from "./repositories/backup-verifications.ts";
export {
  activeRestoreForStore,
  backupsBeyondKeep,
  completeBackup,
  deleteBackupSchedule,
  failBackup,
  findBackupById,
  findBackupSchedule,
  finishRestore,
  latestSucceededBackup,
  listActiveBackups,
  listStoreBackups,
  markBackupRunning,
  markBackupsPruned,
  requestBackup,
  requestDueScheduledBackups,
  requestRestore,
  setBackupSchedule,
} from "./repositories/backups.ts";
export {
  type ChartHistoryEntry,
  type ChartHistoryOutcome,
  type StoreChartHistory,
  storeChartHistory,
} from "./repositories/chart-history.ts";
export {
  claimDueStores,
  makeStoresDue,
  releaseAllClaims,
} from "./repositories/claims.ts";
export {
  appendStoreEvents,
  countStoresByPhase,
  markStoreDeleted,
  recordReconcileProgress,
  recordReconcileResult,
  renewClaims,
  type StoreEventInput,
} from "./repositories/reconcile.ts";
export {
  beginRestore,
  listActiveRestores,
  recordRestoreJob,
} from "./repositories/restore-runs.ts";
export {
  pruneAuditLog,
  pruneStoreEvents,
} from "./repositories/retention.ts";
export {
  assignRolloutStores,
  changeRolloutState,
  completeRollout,
  findRollout,
  haltRollout,
  listRolloutStores,
  listRollouts,
  markRolloutStoreRolledBack,
  markRolloutStoresSucceeded,
  type RolloutAction,
  startRollout,
} from "./repositories/rollouts.ts";
export {
  createSession,
  findActiveSessionByHash,
  listActiveSessions,
  revokeSession,
  touchSession,
} from "./repositories/sessions.ts";
export {
  appendStoreEvent,
  listStoreEvents,
} from "./repositories/store-events.ts";
export {
  countLiveStoresByOwner,
  findUserEmails,
  listStoresPage,
  listUsersPage,
} from "./repositories/store-pages.ts";
export {
  countLiveStores,
  findLiveStoreByName,
  findStoreById,
  findStoreByIdempotencyKey,
  insertStore,
  lockStoreQuotas,
  requestStoreDeletion,
  retryFailedStore,
  setDeletionProtection,
  setStoreSuspended,
} from "./repositories/stores.ts";
export {
  countUsers,
  createUser,
  findUserByEmail,
  findUserById,
  lockSignups,
} from "./repositories/users.ts";
export {
  DEFAULT_WAVES,
  FINISHED_ROLLOUT_STORE_STATES,
  ROLLOUT_STORE_STATES,
  type RolloutState,
  type RolloutStoreState,
  waveOfEachStore,
  waveSizes,
} from "./rollout-domain.ts";
export type {
  ApiToken,
  Backup,
  BackupSchedule,
  Database,
  Rollout,
  RolloutStore,
  ScaledWorkload,
  Session,
  Store,
  StoreEvent,
  StoreRestore,
  User,
} from "./schema.ts";
export {
  BACKUP_WORK_CHANNEL,
  notifyBackupWork,
  notifyStoreChanged,
  notifyStoreStatusChanged,
  STORE_CHANGES_CHANNEL,
  STORE_STATUS_CHANNEL,
} from "./wakeup.ts";
