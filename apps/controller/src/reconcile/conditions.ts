// Kubernetes-shaped conditions: lastTransitionTime moves only when the status
// changes, and every transition is reported so the caller can log an event.
// The order of types is the domain's (CONDITION_TYPES), written once there.
import {
  type Condition,
  type ConditionType,
  conditionRank,
  type EventType,
  STEP_CONDITION_TYPES,
} from "@storeplane/db";

export interface ConditionDraft {
  type: ConditionType;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  /**
   * Something is wrong, not merely unfinished (a pod that cannot pull its
   * image, a namespace stuck terminating): its transition is a Warning even
   * on a store that never got this far before.
   */
  problem?: boolean;
}

export interface Transition {
  type: string;
  from: Condition["status"] | null;
  to: Condition["status"];
  reason: string;
  message: string;
  problem?: boolean;
}

/** Conditions with abnormal-true polarity: present only while True (kstatus). */
const ABNORMAL_TRUE: ReadonlySet<string> = new Set<ConditionType>([
  "Reconciling",
  "Stalled",
  "Suspended",
]);

export function mergeConditions(
  previous: Condition[],
  drafts: ConditionDraft[],
  generation: number,
  now: Date,
): { conditions: Condition[]; transitions: Transition[] } {
  const byType = new Map(previous.map((c) => [c.type, c]));
  const transitions: Transition[] = [];
  for (const d of drafts) {
    const old = byType.get(d.type);
    if (ABNORMAL_TRUE.has(d.type) && d.status !== "True") {
      byType.delete(d.type);
      continue;
    }
    const changed = !old || old.status !== d.status;
    // A problem appearing under an unchanged status (False "NoWorkloads" →
    // False "ImagePullFailed") is news too, though not a transition in time.
    const newProblem = !changed && d.problem === true && old.reason !== d.reason;
    if (changed || newProblem)
      transitions.push({
        type: d.type,
        from: old?.status ?? null,
        to: d.status,
        reason: d.reason,
        message: d.message,
        ...(d.problem ? { problem: true } : {}),
      });
    const { problem: _problem, ...shape } = d;
    byType.set(d.type, {
      ...shape,
      observedGeneration: generation,
      lastTransitionTime: changed ? now.toISOString() : (old as Condition).lastTransitionTime,
    });
  }
  const conditions = [...byType.values()].sort(
    (a, b) => conditionRank(a.type) - conditionRank(b.type),
  );
  return { conditions, transitions };
}

/**
 * An event's severity follows from the condition, not from a list of reasons:
 * a Warning when a condition moves away from its healthy value — a step or
 * Ready falling from True (drift, loss), Stalled becoming True — or when the
 * condition itself reports a problem. Everything else (a new store's steps
 * starting False, steps turning True, Reconciling) is Normal progress.
 */
export function severityOf(t: Pick<Transition, "type" | "from" | "to" | "problem">): EventType {
  if (t.problem) return "Warning";
  if (t.type === "Stalled") return t.to === "True" ? "Warning" : "Normal";
  if (t.type === "Reconciling") return "Normal";
  return t.from === "True" && t.to !== "True" ? "Warning" : "Normal";
}

export function isTrue(conditions: readonly { type: string; status: string }[], type: string) {
  return conditions.some((c) => c.type === type && c.status === "True");
}

/**
 * Summary `Ready`: False with the stall's reason when progress stopped; True
 * only when every step is True; else the first step that is not.
 */
export function summarize(
  drafts: readonly ConditionDraft[],
  stalled?: { reason: string; message: string } | null,
): ConditionDraft {
  if (stalled) return { type: "Ready", status: "False", ...stalled };
  // A step not reported at all (no look yet) blocks as much as one that is False.
  const blocking = STEP_CONDITION_TYPES.map(
    (type): ConditionDraft =>
      drafts.find((d) => d.type === type) ?? {
        type,
        status: "Unknown",
        reason: "NotObserved",
        message: "not observed yet",
      },
  ).find((d) => d.status !== "True");
  if (!blocking)
    return {
      type: "Ready",
      status: "True",
      reason: "StoreReady",
      message: "the store is up and serving",
    };
  return {
    type: "Ready",
    status: "False",
    reason: blocking.reason,
    message: `${blocking.type}: ${blocking.message}`,
  };
}
