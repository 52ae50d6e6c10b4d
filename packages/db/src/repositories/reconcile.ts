// The controller's writes: status after every reconcile pass, fenced by the
// claim (a replica that lost its claim cannot overwrite the new owner's
// status), and the final "deleted" mark that frees the store's name.
import { type Kysely, sql } from "kysely";
import type { Condition, Phase } from "../domain.ts";
import type { Database } from "../schema.ts";
import { notifyStoreStatusChanged } from "../wakeup.ts";

export interface RecordReconcileResultInput {
  storeId: string;
  /** The claim holder; the write is a no-op for anyone else. */
  owner: string;
  phase: Phase;
  conditions: Condition[];
  /** The generation this pass worked from. */
  observedGeneration: number;
  failureCount: number;
  lastError: string | null;
  storeUrl: string | null;
  adminUrl: string | null;
  provisioningStartedAt: Date | null;
  readyAt: Date | null;
  /** The chart version the pass worked with: becomes the store's assignment if it had none. */
  assignChartVersion?: string;
  /** The chart version of the release seen deployed (left as it was when absent). */
  deployedChartVersion?: string;
  /** The release runs the version a rollback was asked for: the request is done. */
  rollbackDone?: boolean;
  /**
   * Also give the claim back, with the time of the next look. If desired state
   * changed while the claim was held, the store is due at once instead.
   */
  release?: { nextReconcileAt: Date };
}

/** Writes a pass's status (and optionally releases the claim) in one fenced update. */
export async function recordReconcileResult(
  db: Kysely<Database>,
  input: RecordReconcileResultInput,
): Promise<boolean> {
  const claim = input.release
    ? {
        claimed_by: null,
        claim_expires_at: null,
        next_reconcile_at: sql<Date>`case when generation > ${input.observedGeneration} then now() else ${input.release.nextReconcileAt} end`,
      }
    : {};
  const result = await db
    .updateTable("stores")
    .set({
      phase: input.phase,
      conditions: JSON.stringify(input.conditions),
      observed_generation: input.observedGeneration,
      failure_count: input.failureCount,
      last_error: input.lastError,
      store_url: input.storeUrl,
      admin_url: input.adminUrl,
      provisioning_started_at: input.provisioningStartedAt,
      ready_at: input.readyAt,
      ...(input.assignChartVersion
        ? { chart_version: sql<string>`coalesce(chart_version, ${input.assignChartVersion})` }
        : {}),
      ...(input.deployedChartVersion ? { deployed_chart_version: input.deployedChartVersion } : {}),
      ...(input.rollbackDone ? { rollback_chart_version: null } : {}),
      updated_at: sql`now()`,
      ...claim,
    })
    .where("id", "=", input.storeId)
    .where("claimed_by", "=", input.owner)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Mid-pass status, written before a long action (a helm command) starts so the
 * dashboard shows `Reconciling` live: conditions and phase only, fenced by the
 * claim like every status write, and announced on the store_status channel.
 * Returns false when the claim is no longer ours (nothing written).
 */
export async function recordReconcileProgress(
  db: Kysely<Database>,
  input: { storeId: string; owner: string; phase: Phase; conditions: Condition[] },
): Promise<boolean> {
  const result = await db
    .updateTable("stores")
    .set({
      phase: input.phase,
      conditions: JSON.stringify(input.conditions),
      updated_at: sql`now()`,
    })
    .where("id", "=", input.storeId)
    .where("claimed_by", "=", input.owner)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  const written = result.numUpdatedRows > 0n;
  if (written) await notifyStoreStatusChanged(db, input.storeId);
  return written;
}

export interface MarkStoreDeletedInput {
  storeId: string;
  owner: string;
  conditions: Condition[];
  observedGeneration: number;
}

/** Everything the store owned is gone: the row stays for history, its name is free again. */
export async function markStoreDeleted(
  db: Kysely<Database>,
  input: MarkStoreDeletedInput,
): Promise<boolean> {
  const result = await db
    .updateTable("stores")
    .set({
      phase: "Deleted",
      deleted_at: sql`now()`,
      conditions: JSON.stringify(input.conditions),
      observed_generation: input.observedGeneration,
      failure_count: 0,
      last_error: null,
      claimed_by: null,
      claim_expires_at: null,
      updated_at: sql`now()`,
    })
    .where("id", "=", input.storeId)
    .where("claimed_by", "=", input.owner)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Keeps a replica's claims alive while their stores wait in its queue or run
 * a long helm command: one statement for all of them, however many. Returns
 * the ids still held, so the caller can stop work on any it lost.
 */
export async function renewClaims(
  db: Kysely<Database>,
  input: { owner: string; storeIds: string[]; ttlSeconds: number },
): Promise<string[]> {
  if (input.storeIds.length === 0) return [];
  const rows = await db
    .updateTable("stores")
    .set({ claim_expires_at: sql`now() + make_interval(secs => ${input.ttlSeconds})` })
    .where("id", "in", input.storeIds)
    .where("claimed_by", "=", input.owner)
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/** Store counts by phase (live and deleted), for the controller's metrics. */
export async function countStoresByPhase(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("stores")
    .select(["phase", (eb) => eb.fn.countAll<string>().as("count")])
    .groupBy("phase")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.phase, Number(r.count)]));
}

export interface StoreEventInput {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/**
 * Several events of one store in one insert, in order (a pass reports all its
 * transitions at once, after its status write). Events mean something changed,
 * so this is also where the dashboard is told: one NOTIFY per transition pass,
 * none for the quiet passes of a steady store.
 */
export async function appendStoreEvents(
  db: Kysely<Database>,
  storeId: string,
  actor: string,
  events: StoreEventInput[],
): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto("store_events")
    .values(
      events.map((e) => ({
        store_id: storeId,
        actor,
        type: e.type,
        reason: e.reason,
        message: e.message,
      })),
    )
    .execute();
  await notifyStoreStatusChanged(db, storeId);
}
