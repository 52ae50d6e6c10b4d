// Follows a rollout until it ends: completed, halted (a store failed its
// gate and was rolled back; nothing more is upgraded until an admin resumes
// or aborts) or aborted. A paused rollout is waited on: an admin may resume it.
import { sleep } from "./wait.ts";

export type RolloutOutcome = "completed" | "halted" | "aborted";

/** What is read of a rollout on each poll (the `rollouts.status` view has more). */
export interface WatchedRollout {
  id: string;
  state: string;
}

export class RolloutWaitTimeoutError extends Error {
  constructor(rollout: WatchedRollout, timeoutMs: number) {
    super(
      `timed out after ${Math.round(timeoutMs / 1000)}s; rollout ${rollout.id} is ${rollout.state}`,
    );
    this.name = "RolloutWaitTimeoutError";
  }
}

/** Anything with `rollouts.status.query({ id })`, i.e. the typed client. */
export interface RolloutStatusGetter<R extends WatchedRollout> {
  rollouts: { status: { query(input: { id: string }): Promise<R> } };
}

const ENDED: ReadonlySet<string> = new Set<RolloutOutcome>(["completed", "halted", "aborted"]);

export async function waitForRollout<R extends WatchedRollout>(
  client: RolloutStatusGetter<R>,
  id: string,
  options: {
    /** Called after every poll with the rollout as it stands. */
    onProgress?: (rollout: R) => void;
    timeoutMs?: number;
    intervalMs?: number;
    signal?: AbortSignal;
  } = {},
): Promise<{ rollout: R; outcome: RolloutOutcome }> {
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  const intervalMs = options.intervalMs ?? 2_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rollout = await client.rollouts.status.query({ id });
    options.onProgress?.(rollout);
    if (ENDED.has(rollout.state)) return { rollout, outcome: rollout.state as RolloutOutcome };
    if (Date.now() + intervalMs > deadline) throw new RolloutWaitTimeoutError(rollout, timeoutMs);
    await sleep(intervalMs, options.signal);
  }
}
