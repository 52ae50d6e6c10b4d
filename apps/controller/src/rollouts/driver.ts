// The rollout driver (ADR 008): every interval, and whenever a store's
// reconcile ends (its status may now pass or fail the gate), advance each
// active rollout by the planner's steps until it has to wait. One replica at
// a time: a pass runs in one transaction holding a transaction-scoped
// advisory lock; a replica that cannot take it skips the pass (the holder is
// doing the same work). The lock ends with the transaction, so a crashed
// replica never leaves it held. Store assignments are sent with a NOTIFY, so
// the ordinary reconcile loop acts on them at once rather than at its sweep.
import { type DatabaseHandle, notifyStoreChanged } from "@storeplane/db";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { ReconcileObserver } from "../loop.ts";
import { advanceRollout } from "./advance-rollout.ts";
import type { RolloutHealthCheck } from "./health-check.ts";
import type { RolloutStep } from "./plan-rollout.ts";

/** Any fixed 64-bit key shared by every replica; the bytes spell "rollout". */
export const ROLLOUT_DRIVER_LOCK_KEY = 0x726f6c6c6f7574n;

/** Rollouts that may still need a step (halted: its failed store's rollback is watched). */
const ACTIVE_STATES = ["running", "paused", "halted"] as const;

/** A rollout's steps in one pass stop at this many, so a bug cannot spin a transaction forever. */
const MAX_STEPS_PER_PASS = 20;

export interface RolloutDriverDeps {
  handle: DatabaseHandle;
  intervalMs: number;
  logger: Logger;
  now?: () => Date;
  /** The engine health check of the gate (health-check.ts); without it, readiness alone. */
  healthCheck?: RolloutHealthCheck;
}

export interface PassResult {
  /** false: another replica holds the lock; nothing was done. */
  locked: boolean;
  steps: Array<{ rolloutId: string; step: RolloutStep }>;
}

const settles = (step: RolloutStep) =>
  step.kind === "idle" || step.kind === "wait" || step.kind === "complete" || step.kind === "halt";

/** One pass over every active rollout, under the advisory lock. */
export async function driveRollouts(
  handle: DatabaseHandle,
  now: () => Date = () => new Date(),
  healthCheck?: RolloutHealthCheck,
): Promise<PassResult> {
  return handle.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(${ROLLOUT_DRIVER_LOCK_KEY.toString()}::bigint) as locked`.execute(
      trx,
    );
    if (!rows[0]?.locked) return { locked: false, steps: [] };
    const active = await trx
      .selectFrom("rollouts")
      .select("id")
      .where("state", "in", ACTIVE_STATES)
      .orderBy("created_at")
      .execute();
    const steps: PassResult["steps"] = [];
    for (const { id } of active) {
      for (let i = 0; i < MAX_STEPS_PER_PASS; i++) {
        const step = await advanceRollout(trx, id, now(), healthCheck);
        if (!step) break;
        steps.push({ rolloutId: id, step });
        if (step.kind === "assign") {
          // Delivered on commit, like every store_changes NOTIFY.
          for (const storeId of step.storeIds) await notifyStoreChanged(trx, storeId);
        }
        if (step.kind === "halt") await notifyStoreChanged(trx, step.storeId);
        if (settles(step)) break;
      }
    }
    return { locked: true, steps };
  });
}

export class RolloutDriver {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly deps: RolloutDriverDeps) {
    this.log = deps.logger.child({ component: "rollouts" });
  }

  /** Pass to the ControllerLoop's observers: a finished reconcile may move a gate. */
  readonly observer: ReconcileObserver = {
    reconcileFinished: () => this.wake(),
  };

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.deps.intervalMs);
    this.timer.unref?.();
    this.wake();
  }

  /** Run a pass now (coalesced: one at a time, at most one more queued). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.run();
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          const result = await driveRollouts(
            this.deps.handle,
            this.deps.now,
            this.deps.healthCheck,
          );
          for (const { rolloutId, step } of result.steps) {
            if (step.kind === "idle" || step.kind === "wait") continue;
            const level = step.kind === "halt" ? "warn" : "info";
            this.log[level]({ rolloutId, step }, `rollout step: ${step.kind}`);
          }
        } catch (error) {
          this.log.warn({ err: error }, "rollout pass failed; trying again next interval");
        }
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  /** Stops the timer and waits for a pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current;
  }
}
