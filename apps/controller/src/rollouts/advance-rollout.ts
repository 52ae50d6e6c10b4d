// One pass of a rollout: read it and its stores, ask the pure planner for the
// next step, apply that step through @storeplane/db's rollout repository. The
// controller's rollout driver (driver.ts, ADR 008) calls this under an
// advisory lock; each repository write re-checks the rollout's state, so an
// admin's pause or abort between the read and the write wins.
import {
  assignRolloutStores,
  completeRollout,
  type Database,
  findRollout,
  haltRollout,
  markRolloutStoreRolledBack,
  markRolloutStoresSucceeded,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import type { RolloutHealthCheck } from "./health-check.ts";
import {
  planRolloutStep,
  type RolloutStep,
  type RolloutStoreView,
  type RolloutView,
  readyOn,
} from "./plan-rollout.ts";

export async function loadRolloutForPlanning(
  db: Kysely<Database>,
  rolloutId: string,
): Promise<
  | {
      rollout: RolloutView & { engine: string };
      stores: RolloutStoreView[];
      /** Store id → name, for the health check's namespace. */
      names: Map<string, string>;
    }
  | undefined
> {
  const row = await findRollout(db, rolloutId);
  if (!row) return undefined;
  const members = await db
    .selectFrom("rollout_stores")
    .innerJoin("stores", "stores.id", "rollout_stores.store_id")
    .select([
      "rollout_stores.store_id",
      "rollout_stores.wave",
      "rollout_stores.position",
      "rollout_stores.state",
      "rollout_stores.from_chart_version",
      "rollout_stores.assigned_generation",
      "rollout_stores.started_at",
      "rollout_stores.finished_at",
      "stores.phase",
      "stores.conditions",
      "stores.generation",
      "stores.observed_generation",
      "stores.deployed_chart_version",
      "stores.last_error",
      "stores.name",
    ])
    .where("rollout_stores.rollout_id", "=", rolloutId)
    .orderBy("rollout_stores.position")
    .execute();
  return {
    names: new Map(members.map((m) => [m.store_id, m.name])),
    rollout: {
      engine: row.engine,
      state: row.state,
      targetChartVersion: row.target_chart_version,
      waveDeadlineMs: row.wave_deadline_seconds * 1000,
      pauseMs: row.pause_seconds * 1000,
      maxUnavailable: row.max_unavailable,
    },
    stores: members.map((m) => ({
      storeId: m.store_id,
      wave: m.wave,
      position: m.position,
      state: m.state,
      fromChartVersion: m.from_chart_version,
      assignedGeneration: m.assigned_generation,
      startedAt: m.started_at,
      finishedAt: m.finished_at,
      status: {
        phase: m.phase,
        conditions: m.conditions,
        generation: m.generation,
        observedGeneration: m.observed_generation,
        deployedChartVersion: m.deployed_chart_version,
        lastError: m.last_error,
      },
    })),
  };
}

export async function applyRolloutStep(
  db: Kysely<Database>,
  rolloutId: string,
  step: RolloutStep,
  now: Date,
): Promise<void> {
  switch (step.kind) {
    case "assign":
      await assignRolloutStores(db, rolloutId, step.storeIds, now);
      return;
    case "mark-succeeded":
      await markRolloutStoresSucceeded(db, rolloutId, step.storeIds, now);
      return;
    case "halt":
      // A refusal means an admin paused or aborted meanwhile: their word wins.
      await haltRollout(db, rolloutId, { storeId: step.storeId, reason: step.reason }, now);
      return;
    case "mark-rolled-back":
      for (const storeId of step.storeIds) {
        await markRolloutStoreRolledBack(db, rolloutId, storeId, now);
      }
      return;
    case "complete":
      await completeRollout(db, rolloutId, now);
      return;
    case "idle":
    case "wait":
      return;
  }
}

/**
 * Plans and applies one step; returns it (undefined for an unknown rollout).
 * With `healthCheck`, every upgrading store Ready on the target is asked its
 * engine's health check first, and the gate counts the answer.
 */
export async function advanceRollout(
  db: Kysely<Database>,
  rolloutId: string,
  now: Date,
  healthCheck?: RolloutHealthCheck,
): Promise<RolloutStep | undefined> {
  const loaded = await loadRolloutForPlanning(db, rolloutId);
  if (!loaded) return undefined;
  const { rollout } = loaded;
  const stores = healthCheck
    ? await Promise.all(
        loaded.stores.map(async (m) =>
          m.state === "upgrading" && readyOn(m.status, rollout.targetChartVersion)
            ? {
                ...m,
                health: await healthCheck({
                  storeName: loaded.names.get(m.storeId) ?? "",
                  engine: rollout.engine,
                  chartVersion: rollout.targetChartVersion,
                }),
              }
            : m,
        ),
      )
    : loaded.stores;
  const step = planRolloutStep(rollout, stores, now);
  await applyRolloutStep(db, rolloutId, step, now);
  return step;
}
