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
  storeAddress,
} from "./domain.ts";
export {
  type DatabaseEnv,
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
  claimDueStores,
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
  pruneAuditLog,
  pruneStoreEvents,
} from "./repositories/retention.ts";
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
} from "./repositories/stores.ts";
export {
  countUsers,
  createUser,
  findUserByEmail,
  findUserById,
  lockSignups,
} from "./repositories/users.ts";
export type {
  ApiToken,
  Database,
  Session,
  Store,
  StoreEvent,
  User,
} from "./schema.ts";
export {
  notifyStoreChanged,
  STORE_CHANGES_CHANNEL,
  STORE_STATUS_CHANNEL,
} from "./wakeup.ts";
