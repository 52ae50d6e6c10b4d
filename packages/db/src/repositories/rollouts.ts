// Rollouts: the only writer of a live store's `chart_version` besides the
// controller's first default assignment (ADR 008). The API starts, pauses,
// resumes and aborts them; the controller's rollout driver applies the wave
// planner's steps through the functions below. Each write checks the state it
// expects under a row lock, so a pause or abort that lands between the
// planner's decision and its write wins. Refusals are values (`{ refused }`).
import { type Kysely, sql, type Transaction } from "kysely";
import type { Engine } from "../domain.ts";
import {
  ACTIVE_ROLLOUT_STATES,
  DEFAULT_WAVES,
  type RolloutState,
  type WaveStep,
  waveOfEachStore,
  waveStepsProblem,
} from "../rollout-domain.ts";
import type { Database, Rollout, RolloutStore } from "../schema.ts";
import { appendAudit } from "./audit-log.ts";
import type { Refusal } from "./backups.ts";
import { appendStoreEvent } from "./store-events.ts";

/** Who the audit log names for what the rollout driver decides (halt, completion). */
export const ROLLOUT_DRIVER_ACTOR = "controller";

async function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
) {
  return db.isTransaction ? fn(db as Transaction<Database>) : db.transaction().execute(fn);
}

function isUniqueViolation(error: unknown, index: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string };
  return e?.code === "23505" && (e.constraint === index || Boolean(e.message?.includes(index)));
}

async function lockRollout(trx: Kysely<Database>, id: string): Promise<Rollout | undefined> {
  return trx.selectFrom("rollouts").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export interface StartRolloutInput {
  engine: Engine;
  targetChartVersion: string;
  waves?: readonly WaveStep[];
  waveDeadlineSeconds: number;
  pauseSeconds: number;
  maxUnavailable: number;
  createdBy: string;
}

/**
 * A new running rollout with its stores fixed now: every live store of the
 * engine that is not suspended, not being deleted and assigned another
 * version. A store with no assignment yet is left out: the controller gives it
 * the current default on its next pass. Stores are ordered by a stable hash of
 * their id (so the canary of a retried rollout is the same store) and cut
 * into waves. Nothing is assigned here; the driver's first step does it.
 */
export async function startRollout(
  db: Kysely<Database>,
  input: StartRolloutInput,
): Promise<{ rollout: Rollout; stores: RolloutStore[] } | Refusal> {
  const waves = input.waves ?? DEFAULT_WAVES;
  const problem = waveStepsProblem(waves);
  if (problem) return { refused: problem };
  return inTransaction(db, async (trx) => {
    const active = await trx
      .selectFrom("rollouts")
      .select(["id", "state"])
      .where("engine", "=", input.engine)
      .where("state", "in", ACTIVE_ROLLOUT_STATES)
      .executeTakeFirst();
    if (active) {
      return { refused: `a ${input.engine} rollout is already ${active.state} (${active.id})` };
    }
    const eligible = await trx
      .selectFrom("stores")
      .select(["id", "chart_version"])
      .where("engine", "=", input.engine)
      .where("deleted_at", "is", null)
      .where("deletion_requested_at", "is", null)
      .where("suspended", "=", false)
      .where("chart_version", "is not", null)
      .where("chart_version", "!=", input.targetChartVersion)
      .orderBy(sql`md5(id::text)`)
      .orderBy("id")
      .forUpdate()
      .execute();
    if (eligible.length === 0) {
      return {
        refused: `no live ${input.engine} store runs a chart version other than ${input.targetChartVersion}`,
      };
    }
    let rollout: Rollout;
    try {
      rollout = await trx
        .insertInto("rollouts")
        .values({
          engine: input.engine,
          target_chart_version: input.targetChartVersion,
          waves: JSON.stringify(waves),
          wave_deadline_seconds: input.waveDeadlineSeconds,
          pause_seconds: input.pauseSeconds,
          max_unavailable: input.maxUnavailable,
          created_by: input.createdBy,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error, "rollouts_one_active_per_engine")) {
        return { refused: `a ${input.engine} rollout is already active` };
      }
      throw error;
    }
    const waveOf = waveOfEachStore(waves, eligible.length);
    const stores = await trx
      .insertInto("rollout_stores")
      .values(
        eligible.map((store, i) => ({
          rollout_id: rollout.id,
          store_id: store.id,
          wave: waveOf[i] ?? 1,
          position: i,
          from_chart_version: store.chart_version ?? "",
        })),
      )
      .returningAll()
      .execute();
    return { rollout, stores: stores.sort((a, b) => a.position - b.position) };
  });
}

export async function findRollout(db: Kysely<Database>, id: string): Promise<Rollout | undefined> {
  return db.selectFrom("rollouts").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Rollouts, newest first. */
export async function listRollouts(db: Kysely<Database>, limit = 50): Promise<Rollout[]> {
  return db
    .selectFrom("rollouts")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** The rollout's stores in rollout order. */
export async function listRolloutStores(
  db: Kysely<Database>,
  rolloutId: string,
): Promise<RolloutStore[]> {
  return db
    .selectFrom("rollout_stores")
    .selectAll()
    .where("rollout_id", "=", rolloutId)
    .orderBy("position")
    .execute();
}

/** Every rollout a store took part in, newest first: its chart version history. */
export async function listStoreRolloutHistory(
  db: Kysely<Database>,
  storeId: string,
): Promise<Array<RolloutStore & { target_chart_version: string }>> {
  return db
    .selectFrom("rollout_stores")
    .innerJoin("rollouts", "rollouts.id", "rollout_stores.rollout_id")
    .selectAll("rollout_stores")
    .select("rollouts.target_chart_version")
    .where("rollout_stores.store_id", "=", storeId)
    .orderBy("rollouts.created_at", "desc")
    .execute();
}

const TRANSITIONS = {
  pause: { from: ["running"], to: "paused" },
  resume: { from: ["paused", "halted"], to: "running" },
  abort: { from: ["running", "paused", "halted"], to: "aborted" },
} as const satisfies Record<string, { from: readonly RolloutState[]; to: RolloutState }>;
export type RolloutAction = keyof typeof TRANSITIONS;

/**
 * Pause, resume or abort. Resume after a halt clears the halt: the failed
 * store stays on its previous version and counts as done for its wave.
 * Abort changes no store's assignment: stores already moved stay on the new
 * version, the others on theirs.
 */
export async function changeRolloutState(
  db: Kysely<Database>,
  id: string,
  action: RolloutAction,
  now: Date,
): Promise<{ rollout: Rollout } | Refusal> {
  const { from, to } = TRANSITIONS[action];
  return inTransaction(db, async (trx) => {
    const current = await lockRollout(trx, id);
    if (!current) return { refused: "the rollout does not exist" };
    if (!(from as readonly string[]).includes(current.state)) {
      return { refused: `cannot ${action} a rollout that is ${current.state}` };
    }
    const rollout = await trx
      .updateTable("rollouts")
      .set({
        state: to,
        updated_at: now,
        ...(action === "resume" ? { halt_reason: null, halted_store_id: null } : {}),
        ...(action === "abort" ? { finished_at: now } : {}),
      })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { rollout };
  });
}

/**
 * Starts the upgrade of some of a running rollout's pending stores: assigns
 * the target version and bumps `generation` (the ordinary reconcile loop then
 * runs exactly one `helm upgrade`, since the digest changes once) and records
 * the generation the health gate waits for. Does nothing unless the rollout
 * is still running. A store being deleted, or being restored, by now is
 * `skipped` instead (never upgraded, and its wave does not wait for it). Returns how many stores it moved.
 */
export async function assignRolloutStores(
  db: Kysely<Database>,
  rolloutId: string,
  storeIds: readonly string[],
  now: Date,
): Promise<number> {
  if (storeIds.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    const rollout = await lockRollout(trx, rolloutId);
    if (rollout?.state !== "running") return 0;
    const candidates = await trx
      .selectFrom("rollout_stores")
      .innerJoin("stores", "stores.id", "rollout_stores.store_id")
      .select((eb) => [
        "rollout_stores.store_id",
        "stores.deletion_requested_at",
        "stores.deleted_at",
        // A restore or clone into the store (requestRestore refuses the
        // converse: a restore while the store is upgrading).
        eb
          .exists(
            eb
              .selectFrom("store_restores")
              .select("store_restores.id")
              .whereRef("store_restores.target_store_id", "=", "stores.id")
              .where("store_restores.status", "in", ["requested", "running"]),
          )
          .as("restoring"),
      ])
      .where("rollout_stores.rollout_id", "=", rolloutId)
      .where("rollout_stores.store_id", "in", storeIds)
      .where("rollout_stores.state", "=", "pending")
      .forUpdate()
      .execute();
    const skipReason = (c: (typeof candidates)[number]): string | null =>
      c.deletion_requested_at || c.deleted_at
        ? "the store is being deleted"
        : c.restoring
          ? "a restore into the store was in progress when its turn came; it keeps its version"
          : null;
    for (const c of candidates) {
      const reason = skipReason(c);
      if (!reason) continue;
      await trx
        .updateTable("rollout_stores")
        .set({ state: "skipped", reason, finished_at: now, updated_at: now })
        .where("rollout_id", "=", rolloutId)
        .where("store_id", "=", c.store_id)
        .execute();
    }
    const pending = candidates.filter((c) => skipReason(c) === null);
    if (pending.length === 0) return 0;
    const moved = await trx
      .updateTable("stores")
      .set({
        chart_version: rollout.target_chart_version,
        generation: sql`generation + 1`,
        next_reconcile_at: now,
        updated_at: now,
      })
      .where(
        "id",
        "in",
        pending.map((p) => p.store_id),
      )
      .returning(["id", "generation"])
      .execute();
    for (const store of moved) {
      await trx
        .updateTable("rollout_stores")
        .set({
          state: "upgrading",
          assigned_generation: store.generation,
          started_at: now,
          updated_at: now,
        })
        .where("rollout_id", "=", rolloutId)
        .where("store_id", "=", store.id)
        .execute();
    }
    return moved.length;
  });
}

/** Stores that passed the health gate (Ready on the new version within the deadline). */
export async function markRolloutStoresSucceeded(
  db: Kysely<Database>,
  rolloutId: string,
  storeIds: readonly string[],
  now: Date,
): Promise<void> {
  if (storeIds.length === 0) return;
  await db
    .updateTable("rollout_stores")
    .set({ state: "succeeded", finished_at: now, updated_at: now })
    .where("rollout_id", "=", rolloutId)
    .where("store_id", "in", storeIds)
    .where("state", "=", "upgrading")
    .execute();
}

/**
 * A failed gate: the store is marked failed with the reason and sent back to
 * the version it ran (assignment restored, `rollback_chart_version` set so
 * the controller rolls its release back rather than upgrading again,
 * `generation` bumped so it acts on it), and the rollout is halted naming the store and the
 * reason. Nothing more is assigned until an admin resumes or aborts.
 */
export async function haltRollout(
  db: Kysely<Database>,
  rolloutId: string,
  failure: { storeId: string; reason: string },
  now: Date,
): Promise<{ rollout: Rollout } | Refusal> {
  return inTransaction(db, async (trx) => {
    const current = await lockRollout(trx, rolloutId);
    if (!current) return { refused: "the rollout does not exist" };
    if (current.state !== "running") {
      return { refused: `cannot halt a rollout that is ${current.state}` };
    }
    const member = await trx
      .updateTable("rollout_stores")
      .set({ state: "failed", reason: failure.reason, finished_at: now, updated_at: now })
      .where("rollout_id", "=", rolloutId)
      .where("store_id", "=", failure.storeId)
      .where("state", "=", "upgrading")
      .returning(["from_chart_version"])
      .executeTakeFirst();
    if (!member) return { refused: "the store is not upgrading in this rollout" };
    await trx
      .updateTable("stores")
      .set({
        chart_version: member.from_chart_version,
        // Back by `helm rollback` to the revision it ran, not a new upgrade.
        rollback_chart_version: member.from_chart_version,
        generation: sql`generation + 1`,
        next_reconcile_at: now,
        updated_at: now,
      })
      .where("id", "=", failure.storeId)
      .execute();
    const rollout = await trx
      .updateTable("rollouts")
      .set({
        state: "halted",
        halt_reason: failure.reason,
        halted_store_id: failure.storeId,
        updated_at: now,
      })
      .where("id", "=", rolloutId)
      .returningAll()
      .executeTakeFirstOrThrow();
    // Seen by admins in the audit log and by the store's owner in its activity.
    await appendAudit(trx, {
      actorUserId: null,
      actor: ROLLOUT_DRIVER_ACTOR,
      action: "rollout.halt",
      targetType: "rollout",
      targetId: rolloutId,
      details: {
        engine: rollout.engine,
        chartVersion: rollout.target_chart_version,
        storeId: failure.storeId,
        reason: failure.reason,
      },
    });
    await appendStoreEvent(trx, {
      storeId: failure.storeId,
      type: "Warning",
      reason: "RolloutHalted",
      message: `upgrade to chart ${rollout.target_chart_version} failed its health gate; going back to ${member.from_chart_version}: ${failure.reason}`,
      actor: ROLLOUT_DRIVER_ACTOR,
    });
    return { rollout };
  });
}

/** A failed store is Ready on its previous version again. */
export async function markRolloutStoreRolledBack(
  db: Kysely<Database>,
  rolloutId: string,
  storeId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable("rollout_stores")
    .set({ state: "rolled-back", updated_at: now })
    .where("rollout_id", "=", rolloutId)
    .where("store_id", "=", storeId)
    .where("state", "=", "failed")
    .execute();
}

/** Every store is done: the rollout is completed (only from running), audited as the controller's. */
export async function completeRollout(
  db: Kysely<Database>,
  rolloutId: string,
  now: Date,
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable("rollouts")
      .set({ state: "completed", finished_at: now, updated_at: now })
      .where("id", "=", rolloutId)
      .where("state", "=", "running")
      .returning(["engine", "target_chart_version"])
      .executeTakeFirst();
    if (!done) return false;
    await appendAudit(trx, {
      actorUserId: null,
      actor: ROLLOUT_DRIVER_ACTOR,
      action: "rollout.complete",
      targetType: "rollout",
      targetId: rolloutId,
      details: { engine: done.engine, chartVersion: done.target_chart_version },
    });
    return true;
  });
}
