// ResourceQuota, LimitRange and NetworkPolicies for the store's plan, by
// server-side apply: creates them, and puts back anything changed or removed.
import type { Action } from "./types.ts";

export const applyGuardrails: Action = async (ctx) => {
  const { desired } = ctx;
  if (!ctx.namespace) throw new Error("apply-guardrails needs the namespace first");
  await ctx.cluster.applyObjects(desired.namespace, desired.guardrails);
  const hadAny = Object.keys(ctx.namespace.guardrails).length > 0;
  return {
    namespace: {
      ...ctx.namespace,
      guardrails: { ...ctx.namespace.guardrails, ...desired.expectedGuardrails },
    },
    event: hadAny
      ? {
          type: "Warning",
          reason: "GuardrailsRepaired",
          message: `guardrails re-applied (${ctx.state.reason})`,
        }
      : {
          type: "Normal",
          reason: "GuardrailsApplied",
          message: `${desired.guardrails.length} guardrail objects applied`,
        },
  };
};
