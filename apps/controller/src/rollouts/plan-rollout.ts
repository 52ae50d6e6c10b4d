// The rollout wave planner and health gate: a pure function from a rollout and
// its stores (as the database and the controller last saw them) to the ONE
// next step the rollout driver applies (through @storeplane/db's rollout
// repository), before it plans again. One step per pass keeps each write small
// and re-checked against fresh state; a pause or abort in between wins because
// the repository writes check the rollout's state under a row lock.
// Design: docs/decisions/008-chart-versions-and-rollouts.md.
import {
  type Condition,
  FINISHED_ROLLOUT_STORE_STATES,
  type Phase,
  type RolloutState,
  type RolloutStoreState,
} from "@storeplane/db";

export interface RolloutView {
  state: RolloutState;
  targetChartVersion: string;
  /** How long an upgraded store has, from its assignment, to be Ready on the new version. */
  waveDeadlineMs: number;
  /** Wait between one wave passing its gate and the next wave's first assignment. */
  pauseMs: number;
  /** Most stores upgrading (or rolling back) at once. */
  maxUnavailable: number;
}

/** The store's status as the controller wrote it (stores row). */
export interface StoreStatusView {
  phase: Phase;
  conditions: Condition[];
  generation: number;
  observedGeneration: number;
  deployedChartVersion: string | null;
  lastError: string | null;
}

/** The engine's health check, asked by the driver of an upgrading store Ready on the target. */
export interface GateHealth {
  ok: boolean;
  /** The path asked (from the target chart's storeplane.io/health-path). */
  path: string;
  /** What the engine, or the API server's proxy, answered (0: the API server could not be asked). */
  status: number;
  excerpt: string;
}

export interface RolloutStoreView {
  storeId: string;
  /** 1-based; wave 1 is the canary. */
  wave: number;
  /** Order inside the rollout; stores of a wave are assigned in this order. */
  position: number;
  state: RolloutStoreState;
  fromChartVersion: string;
  /** The store's generation once the target was assigned; null while pending. */
  assignedGeneration: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  status: StoreStatusView;
  /**
   * Set by the driver for an upgrading store Ready on the target: its health
   * check's answer, or null when the target chart names no health check
   * (then readiness alone decides). Undefined: nobody asked (no checker).
   */
  health?: GateHealth | null;
}

export type RolloutStep =
  /** Paused, halted, aborted or completed: nothing to do. */
  | { kind: "idle"; why: string }
  /** Assign the target version to these stores of `wave` (never beyond max unavailable). */
  | { kind: "assign"; wave: number; storeIds: string[] }
  /** These upgrading stores passed the gate. */
  | { kind: "mark-succeeded"; storeIds: string[] }
  /** Gate failed: send this store back to its previous version and halt the rollout. */
  | { kind: "halt"; storeId: string; reason: string }
  /** These failed stores are Ready on their previous version again. */
  | { kind: "mark-rolled-back"; storeIds: string[] }
  /** Nothing to write now; plan again at `until` (or on the next status change). */
  | { kind: "wait"; why: string; until?: Date }
  /** Every store finished: the rollout is completed. */
  | { kind: "complete" };

const FINISHED: ReadonlySet<RolloutStoreState> = new Set(FINISHED_ROLLOUT_STORE_STATES);

function readyCondition(status: StoreStatusView): Condition | undefined {
  return status.conditions.find((c) => c.type === "Ready");
}

/**
 * Ready for the store's current generation on `version`. Stale status (the
 * controller has not yet acted on the assignment) never counts, whatever it says.
 */
export function readyOn(status: StoreStatusView, version: string): boolean {
  const ready = readyCondition(status);
  return (
    status.phase === "Ready" &&
    status.observedGeneration >= status.generation &&
    ready?.status === "True" &&
    ready.observedGeneration >= status.generation &&
    status.deployedChartVersion === version
  );
}

/** The gate's pass: Ready on the target, and its engine's health check (when it has one) passing. */
function passesGate(member: RolloutStoreView, rollout: RolloutView): boolean {
  return readyOn(member.status, rollout.targetChartVersion) && member.health?.ok !== false;
}

function describeHealth(h: GateHealth): string {
  const answer = h.status === 0 ? "could not be asked" : `answered ${h.status}`;
  return `health check GET ${h.path} ${answer}${h.excerpt ? `: ${h.excerpt}` : ""}`;
}

/** Why an upgrading store failed its gate, or undefined while it may still pass. */
function gateFailure(
  member: RolloutStoreView,
  rollout: RolloutView,
  now: Date,
): string | undefined {
  const { status } = member;
  const acted =
    status.observedGeneration >= (member.assignedGeneration ?? Number.POSITIVE_INFINITY);
  const ready = readyCondition(status);
  const detail = ready && ready.status !== "True" ? `${ready.reason}: ${ready.message}` : undefined;
  if (acted && status.phase === "Failed") {
    return `upgrade to ${rollout.targetChartVersion} failed: ${status.lastError ?? detail ?? "store Failed"}`;
  }
  const stalled = status.conditions.find((c) => c.type === "Stalled" && c.status === "True");
  if (acted && stalled) {
    return `upgrade to ${rollout.targetChartVersion} stalled: ${stalled.reason}: ${stalled.message}`;
  }
  const started = member.startedAt?.getTime() ?? now.getTime();
  if (now.getTime() - started >= rollout.waveDeadlineMs) {
    const seconds = Math.round(rollout.waveDeadlineMs / 1000);
    // Ready, yet the engine does not answer its health check: a pod can pass
    // its probe while the store behind the Service is broken. Until the
    // deadline a failing check may still heal (a cold cache, a slow first request).
    if (readyOn(status, rollout.targetChartVersion) && member.health && !member.health.ok)
      return `Ready on ${rollout.targetChartVersion}, but its ${describeHealth(member.health)} (still failing after ${seconds}s)`;
    return `not Ready on ${rollout.targetChartVersion} within ${seconds}s${detail ? `: ${detail}` : ""}`;
  }
  return undefined;
}

export function planRolloutStep(
  rollout: RolloutView,
  stores: readonly RolloutStoreView[],
  now: Date,
): RolloutStep {
  if (rollout.state === "aborted" || rollout.state === "completed") {
    return { kind: "idle", why: `rollout ${rollout.state}` };
  }
  if (rollout.state === "paused") return { kind: "idle", why: "rollout paused" };
  const ordered = [...stores].sort((a, b) => a.position - b.position);

  // A rollback that finished is recorded even while halted, so the admin sees it.
  const rolledBack = ordered.filter(
    (m) => m.state === "failed" && readyOn(m.status, m.fromChartVersion),
  );
  if (rolledBack.length > 0) {
    return { kind: "mark-rolled-back", storeIds: rolledBack.map((m) => m.storeId) };
  }
  if (rollout.state === "halted") return { kind: "idle", why: "rollout halted" };

  const upgrading = ordered.filter((m) => m.state === "upgrading");
  for (const member of upgrading) {
    if (passesGate(member, rollout)) continue;
    const reason = gateFailure(member, rollout, now);
    if (reason) return { kind: "halt", storeId: member.storeId, reason };
  }
  const passed = upgrading.filter((m) => passesGate(m, rollout));
  if (passed.length > 0) return { kind: "mark-succeeded", storeIds: passed.map((m) => m.storeId) };

  const open = ordered.filter((m) => !FINISHED.has(m.state));
  if (open.length === 0) return { kind: "complete" };
  // The current wave: the first with a store not finished. Waves run in order.
  const wave = Math.min(...open.map((m) => m.wave));

  const members = ordered.filter((m) => m.wave === wave);
  const pending = members.filter((m) => m.state === "pending");
  if (pending.length === 0) {
    return {
      kind: "wait",
      why: `wave ${wave}: waiting for its gate`,
      until: earliestDeadline(upgrading, rollout),
    };
  }
  const waveStarted = members.some((m) => m.state !== "pending");
  if (!waveStarted && rollout.pauseMs > 0) {
    const previousDone = Math.max(
      ...ordered.filter((m) => m.wave < wave).map((m) => m.finishedAt?.getTime() ?? 0),
      Number.NEGATIVE_INFINITY,
    );
    const nextAt = previousDone + rollout.pauseMs;
    if (Number.isFinite(previousDone) && now.getTime() < nextAt) {
      return { kind: "wait", why: `pause before wave ${wave}`, until: new Date(nextAt) };
    }
  }
  // A failed store still rolling back (after a resume) is unavailable too.
  const unavailable = upgrading.length + ordered.filter((m) => m.state === "failed").length;
  const slots = rollout.maxUnavailable - unavailable;
  if (slots <= 0) {
    return {
      kind: "wait",
      why: `wave ${wave}: ${unavailable} stores unavailable (max ${rollout.maxUnavailable})`,
      until: earliestDeadline(upgrading, rollout),
    };
  }
  return { kind: "assign", wave, storeIds: pending.slice(0, slots).map((m) => m.storeId) };
}

function earliestDeadline(upgrading: readonly RolloutStoreView[], rollout: RolloutView) {
  const starts = upgrading.map((m) => m.startedAt?.getTime()).filter((t) => t !== undefined);
  return starts.length > 0 ? new Date(Math.min(...starts) + rollout.waveDeadlineMs) : undefined;
}
