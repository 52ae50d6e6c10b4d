// A store's engine chart versions over time (issue 16: "each store's version
// history is visible"), derived read-only from rows that already exist: the
// store's own assignment (`chart_version`, `deployed_chart_version`) and every
// rollout that fixed it as a member (`rollout_stores` + `rollouts`). Nothing
// is recorded twice: a rollout row is the history.
import type { Kysely } from "kysely";
import type { RolloutState, RolloutStoreState } from "../rollout-domain.ts";
import type { Database } from "../schema.ts";

/**
 * What a rollout did to this store. `not-upgraded`: the rollout ended
 * (aborted or, after a halt and an abort, finished) before the store's turn,
 * so it stayed on its version; `pending` / `upgrading`: the rollout still runs.
 */
export type ChartHistoryOutcome =
  | "pending"
  | "upgrading"
  | "succeeded"
  | "failed"
  | "rolled-back"
  | "skipped"
  | "not-upgraded";

export interface ChartHistoryEntry {
  rolloutId: string;
  rolloutState: RolloutState;
  fromVersion: string;
  toVersion: string;
  outcome: ChartHistoryOutcome;
  /** Why it failed or was skipped (the gate's words), or why it was not upgraded. */
  reason: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** When it happened: finished, else started, else when the rollout began. */
  at: Date;
}

export interface StoreChartHistory {
  /** The version the store was first given, when known, and when the store was created. */
  initial: { version: string | null; at: Date };
  /** Assigned now, and what its deployed release was built from. */
  current: { chartVersion: string | null; deployedChartVersion: string | null };
  /** Every rollout that touched the store, oldest first. */
  entries: ChartHistoryEntry[];
}

function outcomeOf(
  member: RolloutStoreState,
  rollout: RolloutState,
): { outcome: ChartHistoryOutcome; reason: string | null } {
  if (member === "pending" && (rollout === "aborted" || rollout === "completed")) {
    return {
      outcome: "not-upgraded",
      reason: `the rollout was ${rollout} before this store's turn`,
    };
  }
  return { outcome: member, reason: null };
}

/**
 * The chart history of one store, or undefined when there is no such store.
 * Access control is the caller's (the API checks the owner first).
 */
export async function storeChartHistory(
  db: Kysely<Database>,
  storeId: string,
): Promise<StoreChartHistory | undefined> {
  const store = await db
    .selectFrom("stores")
    .select(["chart_version", "deployed_chart_version", "created_at"])
    .where("id", "=", storeId)
    .executeTakeFirst();
  if (!store) return undefined;
  const rows = await db
    .selectFrom("rollout_stores")
    .innerJoin("rollouts", "rollouts.id", "rollout_stores.rollout_id")
    .select([
      "rollout_stores.rollout_id",
      "rollout_stores.from_chart_version",
      "rollout_stores.state",
      "rollout_stores.reason",
      "rollout_stores.started_at",
      "rollout_stores.finished_at",
      "rollouts.state as rollout_state",
      "rollouts.target_chart_version",
      "rollouts.created_at as rollout_created_at",
    ])
    .where("rollout_stores.store_id", "=", storeId)
    .orderBy("rollouts.created_at", "asc")
    .orderBy("rollouts.id", "asc")
    .execute();
  const entries = rows.map((row): ChartHistoryEntry => {
    const { outcome, reason } = outcomeOf(row.state, row.rollout_state);
    return {
      rolloutId: row.rollout_id,
      rolloutState: row.rollout_state,
      fromVersion: row.from_chart_version,
      toVersion: row.target_chart_version,
      outcome,
      reason: row.reason ?? reason,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      at: row.finished_at ?? row.started_at ?? row.rollout_created_at,
    };
  });
  // A rollout records the version the store left, so the oldest one knows the
  // first version; a store no rollout touched still runs its first version.
  const initialVersion =
    entries[0]?.fromVersion ?? store.deployed_chart_version ?? store.chart_version;
  return {
    initial: { version: initialVersion, at: store.created_at },
    current: {
      chartVersion: store.chart_version,
      deployedChartVersion: store.deployed_chart_version,
    },
    entries,
  };
}
