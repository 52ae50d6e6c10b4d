// Plan name → the guardrail limits of a store's namespace. The quota must fit
// the engine charts' own requests with room for the setup job and a rolling
// update (two app pods at once).
import type { Plan } from "@storeplane/db";
import type { PlanLimits } from "@storeplane/k8s";

export const PLAN_LIMITS: Record<Plan, PlanLimits> = {
  small: { cpu: "2", memory: "3Gi", storage: "10Gi", pods: 10, pvcs: 4 },
  medium: { cpu: "4", memory: "6Gi", storage: "30Gi", pods: 16, pvcs: 6 },
  large: { cpu: "8", memory: "12Gi", storage: "80Gi", pods: 24, pvcs: 8 },
};

export function planLimits(plan: string): PlanLimits {
  const limits = PLAN_LIMITS[plan as Plan];
  if (!limits) throw new Error(`unknown plan "${plan}"`);
  return limits;
}
