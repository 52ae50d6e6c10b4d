// Kubernetes-shaped conditions: lastTransitionTime moves only when the status
// changes, and every transition is reported so the caller can log an event.
import type { Condition, ConditionType } from "@storeplane/db";

export interface ConditionDraft {
  type: ConditionType;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
}

export interface Transition {
  type: string;
  from: Condition["status"] | null;
  to: Condition["status"];
  reason: string;
  message: string;
}

export const CONDITION_ORDER: ConditionType[] = [
  "NamespaceReady",
  "GuardrailsReady",
  "SecretsReady",
  "ReleaseReady",
  "WorkloadsReady",
  "Ready",
];

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
    const changed = !old || old.status !== d.status;
    if (changed)
      transitions.push({
        type: d.type,
        from: old?.status ?? null,
        to: d.status,
        reason: d.reason,
        message: d.message,
      });
    byType.set(d.type, {
      ...d,
      observedGeneration: generation,
      lastTransitionTime: changed ? now.toISOString() : (old as Condition).lastTransitionTime,
    });
  }
  const order = (t: string) => {
    const i = CONDITION_ORDER.indexOf(t as ConditionType);
    return i === -1 ? CONDITION_ORDER.length : i;
  };
  const conditions = [...byType.values()].sort((a, b) => order(a.type) - order(b.type));
  return { conditions, transitions };
}

/** Summary `Ready`: True only when every step is True; else the first step that is not. */
export function summarize(drafts: ConditionDraft[]): ConditionDraft {
  const blocking = drafts.find((d) => d.type !== "Ready" && d.status !== "True");
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
