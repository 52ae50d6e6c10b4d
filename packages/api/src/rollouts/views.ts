// What the API returns for a rollout: the plan, where it stands, each store
// with its wave and outcome, and a count per wave for the Rollouts page.
import {
  ROLLOUT_STORE_STATES,
  type Rollout,
  type RolloutStore,
  type RolloutStoreState,
} from "@storeplane/db";

export function toRolloutView(rollout: Rollout) {
  return {
    id: rollout.id,
    engine: rollout.engine,
    targetChartVersion: rollout.target_chart_version,
    waves: rollout.waves,
    waveDeadlineSeconds: rollout.wave_deadline_seconds,
    pauseSeconds: rollout.pause_seconds,
    maxUnavailable: rollout.max_unavailable,
    state: rollout.state,
    haltReason: rollout.halt_reason,
    haltedStoreId: rollout.halted_store_id,
    createdBy: rollout.created_by,
    createdAt: rollout.created_at,
    updatedAt: rollout.updated_at,
    finishedAt: rollout.finished_at,
  };
}

export function toRolloutStoreView(member: RolloutStore, names: Map<string, string>) {
  return {
    storeId: member.store_id,
    name: names.get(member.store_id) ?? null,
    wave: member.wave,
    state: member.state,
    fromChartVersion: member.from_chart_version,
    reason: member.reason,
    startedAt: member.started_at,
    finishedAt: member.finished_at,
  };
}

export type WaveSummary = { wave: number; stores: number } & Record<RolloutStoreState, number>;

/** Per wave, how many stores are in each state. */
export function summarizeWaves(members: readonly RolloutStore[]): WaveSummary[] {
  const byWave = new Map<number, WaveSummary>();
  for (const member of members) {
    let summary = byWave.get(member.wave);
    if (!summary) {
      summary = {
        wave: member.wave,
        stores: 0,
        ...(Object.fromEntries(ROLLOUT_STORE_STATES.map((s) => [s, 0])) as Record<
          RolloutStoreState,
          number
        >),
      };
      byWave.set(member.wave, summary);
    }
    summary.stores += 1;
    summary[member.state] += 1;
  }
  return [...byWave.values()].sort((a, b) => a.wave - b.wave);
}
