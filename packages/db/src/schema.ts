// Kysely table types. Columns with database defaults are Generated<T>;
// nullable columns are `T | null`, never optional.
import type {
  ColumnType,
  Generated,
  Insertable,
  JSONColumnType,
  Selectable,
  Updateable,
} from "kysely";
import type {
  BackupFrequency,
  BackupKind,
  BackupStatus,
  RestoreKind,
  VerificationStatus,
} from "./backup-domain.ts";
import type { Condition, Engine, EventType, Phase, Plan, UserRole } from "./domain.ts";
import type { RolloutState, RolloutStoreState, WaveStep } from "./rollout-domain.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A timestamp the database fills in by default. */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  password_hash: string;
  role: UserRole;
  /** Per-user override of the default store limit; null means the platform default. */
  store_limit: number | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  user_id: string;
  /** sha256 of the session token; the token itself lives only in the user's cookie. */
  token_hash: string;
  /** sha256 of the CSRF token bound to this session. */
  csrf_hash: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: GeneratedTimestamp;
  last_seen_at: GeneratedTimestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  /** sha256 of the token; the token is shown once at creation and never stored. */
  token_hash: string;
  /** First characters of the token, safe to show ("sp_ab12…") so users can tell tokens apart. */
  token_prefix: string;
  created_at: GeneratedTimestamp;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

// jsonb columns take JSON text on insert/update: node-postgres would turn a JS
// array into a Postgres array literal, so callers always JSON.stringify.
export interface StoreSpec {
  /** Free-form engine options; validated by the API before it lands here. */
  [key: string]: unknown;
}

export interface StoresTable {
  id: Generated<string>;
  name: string;
  engine: Engine;
  owner_id: string;
  plan: Plan;
  spec: JSONColumnType<StoreSpec, string | undefined, string>;
  /** Bumped on every change of desired state (create, retry, delete request). */
  generation: Generated<number>;
  /** The generation the controller last acted on. */
  observed_generation: Generated<number>;
  deletion_requested_at: NullableTimestamp;
  /** While true, a deletion request is refused (the flag must be turned off first). */
  deletion_protection: Generated<boolean>;
  /** Desired: workloads scaled to zero (data, volumes and Secrets kept), a "paused" page on the URL. */
  suspended: Generated<boolean>;
  /** Engine chart version the store should run; null until the controller assigns the default. */
  chart_version: string | null;
  /** Engine chart version of the store's deployed release, as the controller last saw it. */
  deployed_chart_version: string | null;
  /**
   * Set by a rollout's failed gate: the version the store goes back to by
   * `helm rollback` (not a new upgrade); cleared once its release runs it.
   */
  rollback_chart_version: string | null;
  /** Set by the controller once everything the store owned is gone; the row stays for history. */
  deleted_at: NullableTimestamp;
  phase: Generated<Phase>;
  conditions: JSONColumnType<Condition[], string | undefined, string>;
  store_url: string | null;
  admin_url: string | null;
  /** Consecutive failed reconcile attempts; reset by success or a manual retry. */
  failure_count: Generated<number>;
  last_error: string | null;
  next_reconcile_at: GeneratedTimestamp;
  claimed_by: string | null;
  claim_expires_at: NullableTimestamp;
  provisioning_started_at: NullableTimestamp;
  ready_at: NullableTimestamp;
  idempotency_key: string | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface StoreEventsTable {
  id: Generated<string>;
  store_id: string;
  created_at: GeneratedTimestamp;
  type: EventType;
  reason: string;
  message: string;
  /** "user:<email>", "token:<prefix>", "controller:<replica>" */
  actor: string;
}

export interface AuditLogTable {
  id: Generated<string>;
  created_at: GeneratedTimestamp;
  actor_user_id: string | null;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: JSONColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface BackupsTable {
  id: Generated<string>;
  store_id: string;
  owner_id: string;
  kind: BackupKind;
  status: Generated<BackupStatus>;
  /** "user:<email>", "token:<prefix>", "schedule" */
  requested_by: string;
  /** bigint: node-postgres returns it as a string. */
  size_bytes: ColumnType<string | null, number | null | undefined, number | null>;
  duration_ms: number | null;
  /** sha256 of the manifest, which lists every part's sha256. */
  sha256: string | null;
  object_key: string | null;
  error: string | null;
  attempts: Generated<number>;
  next_attempt_at: GeneratedTimestamp;
  created_at: GeneratedTimestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  pruned_at: NullableTimestamp;
  updated_at: GeneratedTimestamp;
  /** The last verification (restore into a scratch database and check); null: never verified. */
  verification_status: VerificationStatus | null;
  verification_requested_by: string | null;
  verification_requested_at: NullableTimestamp;
  verification_started_at: NullableTimestamp;
  verified_at: NullableTimestamp;
  verification_error: string | null;
  verification_duration_ms: number | null;
  verification_attempts: Generated<number>;
}

export interface StoreRestoresTable {
  id: Generated<string>;
  backup_id: string;
  target_store_id: string;
  kind: RestoreKind;
  status: Generated<BackupStatus>;
  requested_by: string;
  error: string | null;
  /** The app workloads the restore runner scaled to zero, with the replicas to bring back. */
  scaled_workloads: JSONColumnType<ScaledWorkload[] | null, string | undefined, string | null>;
  /** The restore Job, once applied. */
  job_name: string | null;
  created_at: GeneratedTimestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: GeneratedTimestamp;
}

/** One workload a restore stopped: what to scale back to when it ends. */
export interface ScaledWorkload {
  kind: "Deployment" | "StatefulSet";
  name: string;
  replicas: number;
}

export interface BackupSchedulesTable {
  store_id: string;
  frequency: BackupFrequency;
  keep: number;
  next_run_at: Timestamp;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

/** Facts about the database itself, written once (e.g. `cluster_mode`). */
export interface PlatformSettingsTable {
  key: string;
  value: string;
  created_at: GeneratedTimestamp;
}

export interface RolloutsTable {
  id: Generated<string>;
  engine: Engine;
  target_chart_version: string;
  /** Fixed when the rollout starts; each store's wave is in rollout_stores. */
  waves: JSONColumnType<WaveStep[], string, string>;
  wave_deadline_seconds: number;
  pause_seconds: number;
  max_unavailable: number;
  state: Generated<RolloutState>;
  halt_reason: string | null;
  halted_store_id: string | null;
  /** "user:<email>", "token:<prefix>" */
  created_by: string;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
  finished_at: NullableTimestamp;
}

export interface RolloutStoresTable {
  rollout_id: string;
  store_id: string;
  wave: number;
  position: number;
  from_chart_version: string;
  state: Generated<RolloutStoreState>;
  assigned_generation: number | null;
  reason: string | null;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  stores: StoresTable;
  store_events: StoreEventsTable;
  audit_log: AuditLogTable;
  backups: BackupsTable;
  store_restores: StoreRestoresTable;
  backup_schedules: BackupSchedulesTable;
  platform_settings: PlatformSettingsTable;
  rollouts: RolloutsTable;
  rollout_stores: RolloutStoresTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type Store = Selectable<StoresTable>;
export type NewStore = Insertable<StoresTable>;
export type StoreUpdate = Updateable<StoresTable>;
export type StoreEvent = Selectable<StoreEventsTable>;
export type NewStoreEvent = Insertable<StoreEventsTable>;
export type AuditEntry = Selectable<AuditLogTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
export type Backup = Selectable<BackupsTable>;
export type StoreRestore = Selectable<StoreRestoresTable>;
export type BackupSchedule = Selectable<BackupSchedulesTable>;
export type Rollout = Selectable<RolloutsTable>;
export type RolloutStore = Selectable<RolloutStoresTable>;
