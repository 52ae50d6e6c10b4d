// The provisioning pipeline the detail page draws, derived from the store's
// Kubernetes-style conditions. Pure, so it renders the same on both sides.

export const PIPELINE_STEPS = [
  { type: "NamespaceReady", label: "Namespace" },
  { type: "GuardrailsReady", label: "Guardrails" },
  { type: "SecretsReady", label: "Secrets" },
  { type: "ReleaseReady", label: "Helm release" },
  { type: "WorkloadsReady", label: "Workloads" },
  { type: "Ready", label: "Ready" },
] as const;

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
}

export function buildPipeline(conditions: readonly ConditionLike[], phase: string): PipelineStep[] {
  const byType = new Map(conditions.map((condition) => [condition.type, condition]));
  let reachedOpenStep = false;
  return PIPELINE_STEPS.map(({ type, label }) => {
    const condition = byType.get(type);
    let state: StepState;
    // A deleted store's steps are not failures waiting for a fix: everything
    // they stood for was removed on purpose.
    if (phase === "Deleted") {
      state = "removed";
    } else if (condition?.status === "True") {
      state = "done";
    } else if (reachedOpenStep) {
      state = "waiting";
    } else {
      reachedOpenStep = true;
      if (phase === "Failed") state = "failed";
      else if (phase === "Pending" || phase === "Provisioning") state = "active";
      else state = condition?.status === "False" ? "failed" : "waiting";
    }
    return {
      type,
      label,
      state,
      reason: condition?.reason ?? null,
      message: condition?.message ?? null,
      time: condition?.lastTransitionTime ?? null,
    };
  });
}
