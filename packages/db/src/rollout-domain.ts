// Rollout vocabulary shared by the API (validation), the database (fixing each
// store's wave when a rollout starts) and the controller's wave planner. Plain
// data, no I/O. Design: docs/decisions/008-chart-versions-and-rollouts.md.

/** `running` → (`paused` ⇄ `running`) → `completed`; a failed gate `halted`s it; `aborted` any time. */
export const ROLLOUT_STATES = ["running", "paused", "halted", "aborted", "completed"] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];
/** At most one rollout per engine is in one of these (a partial unique index backs it). */
export const ACTIVE_ROLLOUT_STATES = ["running", "paused", "halted"] as const;

/**
 * One store's part in a rollout. `failed`: its upgrade failed or missed the
 * wave deadline and it was sent back to its previous version; `rolled-back`:
 * it is Ready on that version again. `skipped`: the store was being deleted
 * when its turn came, so it was never upgraded.
 */
export const ROLLOUT_STORE_STATES = [
  "pending",
  "upgrading",
  "succeeded",
  "failed",
  "rolled-back",
  "skipped",
] as const;
export type RolloutStoreState = (typeof ROLLOUT_STORE_STATES)[number];
/** States a store leaves no more: its wave counts it as done. */
export const FINISHED_ROLLOUT_STORE_STATES = [
  "succeeded",
  "failed",
  "rolled-back",
  "skipped",
] as const;

/**
 * A wave: a fixed number of further stores (`{ stores: 1 }`, the canary), or
 * the share of all the rollout's stores upgraded once the wave is done
 * (`{ percent: 50 }`, cumulative like Argo Rollouts' `setWeight`).
 */
export type WaveStep = { stores: number } | { percent: number };

/** Issue 16's default: one canary store, then 10 %, 50 % and 100 % of the stores. */
export const DEFAULT_WAVES: readonly WaveStep[] = [
  { stores: 1 },
  { percent: 10 },
  { percent: 50 },
  { percent: 100 },
];

/**
 * Why a wave plan is unusable, naming the field and the rule; undefined when
 * it is fine. The last wave must reach 100 % so that no store is left out.
 */
export function waveStepsProblem(steps: readonly WaveStep[]): string | undefined {
  if (steps.length === 0) return "waves must list at least one wave";
  if (steps.length > 20) return "waves must list at most 20 waves";
  let lastPercent = 0;
  for (const [i, step] of steps.entries()) {
    if ("stores" in step) {
      if (!Number.isInteger(step.stores) || step.stores < 1) {
        return `waves[${i}].stores must be a whole number of at least 1`;
      }
    } else if (!Number.isInteger(step.percent) || step.percent < 1 || step.percent > 100) {
      return `waves[${i}].percent must be a whole number from 1 to 100`;
    } else if (step.percent <= lastPercent) {
      return `waves[${i}].percent must be greater than the previous percentage (${lastPercent})`;
    } else {
      lastPercent = step.percent;
    }
  }
  const last = steps[steps.length - 1];
  if (!last || !("percent" in last) || last.percent !== 100) {
    return "waves: the last wave must be { percent: 100 } so that every store is upgraded";
  }
  return undefined;
}

/**
 * How many stores each wave upgrades, for `total` stores. Waves that would
 * upgrade nobody (10 % of 7 stores after the canary) are dropped, so wave
 * numbers stay contiguous: 1 store → [1]; 7 → [1, 3, 3]; 500 → [1, 49, 200, 250].
 * Percentages round up, so a wave of a non-zero share is never empty.
 */
export function waveSizes(steps: readonly WaveStep[], total: number): number[] {
  const problem = waveStepsProblem(steps);
  if (problem) throw new Error(problem);
  const sizes: number[] = [];
  let done = 0;
  for (const step of steps) {
    const reach = "stores" in step ? done + step.stores : Math.ceil((step.percent * total) / 100);
    const size = Math.min(reach, total) - done;
    if (size > 0) {
      sizes.push(size);
      done += size;
    }
  }
  return sizes;
}

/** The wave (1-based) of each of `total` stores in rollout order. */
export function waveOfEachStore(steps: readonly WaveStep[], total: number): number[] {
  return waveSizes(steps, total).flatMap((size, i) => Array.from({ length: size }, () => i + 1));
}
