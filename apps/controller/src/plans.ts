// The controller's view of plans: the limits table lives beside the guardrail
// builders in packages/k8s; this checks it covers exactly the API's plans.
import type { Plan } from "@storeplane/db";
import { PLAN_LIMITS as K8S_PLAN_LIMITS, type PlanLimits } from "@storeplane/k8s";

/** Typed by the API's plans: a plan without limits fails the typecheck (plans.unit.test.ts checks the converse). */
export const PLAN_LIMITS: Record<Plan, PlanLimits> = K8S_PLAN_LIMITS;

export function planLimits(plan: string): PlanLimits {
  const limits = PLAN_LIMITS[plan as Plan];
  if (!limits) throw new Error(`unknown plan "${plan}"`);
  return limits;
}
