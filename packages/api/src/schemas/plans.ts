// What a person reads when choosing a plan — the dashboard's form and
// storectl's help — rendered from the quota the controller applies
// (PLAN_LIMITS in packages/k8s), never a copy of it. The web reaches it
// through this package, as it reaches everything (docs/DESIGN: web → api).
import { PLANS, type Plan } from "@storeplane/db/domain";
import { describePlan } from "@storeplane/k8s/plans";

export interface PlanChoice {
  value: Plan;
  /** "Small" */
  label: string;
  /** "up to 2 CPU · 3 GiB memory · 10 GiB storage" */
  description: string;
}

export const PLAN_CHOICES: readonly PlanChoice[] = PLANS.map((plan) => ({
  value: plan,
  label: `${plan.charAt(0).toUpperCase()}${plan.slice(1)}`,
  description: describePlan(plan),
}));
