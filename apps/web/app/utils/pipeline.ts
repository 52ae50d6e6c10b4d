// The provisioning pipeline the detail page draws, derived from the store's
// Kubernetes-style conditions. Pure, so it renders the same on both sides.
// The steps and their order are the domain's (STEP_CONDITION_TYPES); the
// controller's Reconciling condition is shown on the step being worked on,
// and Stalled marks where progress stopped.
import { type ConditionType, STEP_CONDITION_TYPES } from "@storeplane/db/domain";

const LABELS: Partial<Record<ConditionType, string>> = {
  NamespaceReady: "Namespace",
  GuardrailsReady: "Guardrails",
  SecretsReady: "Secrets",
  ReleaseReady: "Helm release",
  WorkloadsReady: "Workloads",
  Ready: "Ready",
};

export const PIPELINE_STEPS = [...STEP_CONDITION_TYPES, "Ready" as const].map((type) => ({
  type,
  label: LABELS[type] ?? type,
}));

export interface ConditionLike {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export type StepState = "done" | "active" | "failed" | "waiting" | "removed";

export interface PipelineStep {
  type: string;
  label: string;
  state: StepState;
  reason: string | null;
  message: string | null;
  time: string | null;
  /** The controller is working on this step right now (Reconciling=True). */
  reconciling: boolean;
}

export function buildPipeline(conditions: readonly ConditionLike[], phase: string): PipelineStep[] {
  const byType = new Map(conditions.map((condition) => [condition.type, condition]));
  const reconciling =
    byType.get("Reconciling")?.status === "True" ? byType.get("Reconciling") : null;
  const stalled = byType.get("Stalled")?.status === "True" || phase === "Failed";
  let reachedOpenStep = false;
  return PIPELINE_STEPS.map(({ type, label }) => {
    const condition = byType.get(type);
    let state: StepState;
    let open = false;
    // A deleted store's steps are not failures waiting for a fix: everything
    // they stood for was removed on purpose.
    if (phase === "Deleted") {
      state = "removed";
    } else if (phase === "Suspended" && type === "Ready") {
      // Not serving on purpose: nothing failed and nothing is under way.
      state = "waiting";
      open = true;
    } else if (condition?.status === "True") {
      state = "done";
    } else if (reachedOpenStep) {
      state = "waiting";
    } else {
      reachedOpenStep = true;
      open = true;
      if (stalled) state = "failed";
      else if (reconciling || phase === "Pending" || phase === "Provisioning") state = "active";
      else state = condition?.status === "False" ? "failed" : "waiting";
    }
    // What the controller is doing ("installing release, revision 2") says
    // more about the open step than the condition it will change.
    const live = open && state === "active" && reconciling ? reconciling : null;
    const shown = live ?? condition;
    return {
      type,
      label,
      state,
      reason: shown?.reason ?? null,
      message: shown?.message ?? null,
      time: condition?.lastTransitionTime ?? null,
      reconciling: live !== null,
    };
  });
}
