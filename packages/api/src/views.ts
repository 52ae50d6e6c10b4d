// What the API returns for rows: only fields a client may see (no hashes, no
// claim bookkeeping), in camelCase.
import type {
  ApiToken,
  Backup,
  BackupSchedule,
  Session,
  Store,
  StoreEvent,
  StoreRestore,
  User,
} from "@storeplane/db";
import { storeNamespace } from "@storeplane/k8s";

export interface PublicUser {
  id: string;
  email: string;
  role: "admin" | "member";
  storeLimit: number | null;
  createdAt: Date;
}

export function toPublicUser(user: User): PublicUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    storeLimit: user.store_limit,
    createdAt: user.created_at,
  };
}

export function toStoreView(store: Store) {
  return {
    id: store.id,
    name: store.name,
    // The controller's namespace rule, so no client spells it out again.
    namespace: storeNamespace(store.name),
    engine: store.engine,
    plan: store.plan,
    ownerId: store.owner_id,
    phase: store.phase,
    conditions: store.conditions,
    generation: store.generation,
    observedGeneration: store.observed_generation,
    storeUrl: store.store_url,
    adminUrl: store.admin_url,
    failureCount: store.failure_count,
    lastError: store.last_error,
    deletionProtection: store.deletion_protection,
    suspended: store.suspended,
    /** Engine chart version the store should run, and the one it runs (null until known). */
    chartVersion: store.chart_version,
    deployedChartVersion: store.deployed_chart_version,
    deletionRequestedAt: store.deletion_requested_at,
    deletedAt: store.deleted_at,
    provisioningStartedAt: store.provisioning_started_at,
    readyAt: store.ready_at,
    nextReconcileAt: store.next_reconcile_at,
    createdAt: store.created_at,
    updatedAt: store.updated_at,
  };
}
export type StoreView = ReturnType<typeof toStoreView>;

export function toEventView(event: StoreEvent) {
  return {
    // pg returns bigserial ids as strings, PGlite as numbers: one type for clients.
    id: String(event.id),
    storeId: event.store_id,
    createdAt: event.created_at,
    type: event.type,
    reason: event.reason,
    message: event.message,
    actor: event.actor,
  };
}
export type StoreEventView = ReturnType<typeof toEventView>;

export function toTokenView(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.token_prefix,
    createdAt: token.created_at,
    lastUsedAt: token.last_used_at,
    expiresAt: token.expires_at,
  };
}
export type TokenView = ReturnType<typeof toTokenView>;

export function toSessionView(session: Session, currentSessionId: string | null) {
  return {
    id: session.id,
    createdAt: session.created_at,
    lastSeenAt: session.last_seen_at,
    expiresAt: session.expires_at,
    ip: session.ip,
    userAgent: session.user_agent,
    current: session.id === currentSessionId,
  };
}
export type SessionView = ReturnType<typeof toSessionView>;

export function toBackupView(backup: Backup) {
  return {
    id: backup.id,
    storeId: backup.store_id,
    kind: backup.kind,
    status: backup.status,
    requestedBy: backup.requested_by,
    // bigint arrives as a string from node-postgres; backups stay far below 2^53 bytes.
    sizeBytes: backup.size_bytes === null ? null : Number(backup.size_bytes),
    durationMs: backup.duration_ms,
    sha256: backup.sha256,
    objectKey: backup.object_key,
    error: backup.error,
    attempts: backup.attempts,
    createdAt: backup.created_at,
    startedAt: backup.started_at,
    finishedAt: backup.finished_at,
    prunedAt: backup.pruned_at,
    /** The last verification (a restore into a scratch database, checked); null: never verified. */
    verification: backup.verification_status
      ? {
          status: backup.verification_status,
          requestedBy: backup.verification_requested_by,
          requestedAt: backup.verification_requested_at,
          verifiedAt: backup.verified_at,
          error: backup.verification_error,
          durationMs: backup.verification_duration_ms,
        }
      : null,
  };
}
export type BackupView = ReturnType<typeof toBackupView>;

export function toRestoreView(restore: StoreRestore) {
  return {
    id: restore.id,
    backupId: restore.backup_id,
    targetStoreId: restore.target_store_id,
    kind: restore.kind,
    status: restore.status,
    error: restore.error,
    createdAt: restore.created_at,
    finishedAt: restore.finished_at,
  };
}

export function toBackupScheduleView(schedule: BackupSchedule) {
  return {
    storeId: schedule.store_id,
    frequency: schedule.frequency,
    keep: schedule.keep,
    nextRunAt: schedule.next_run_at,
  };
}
