// Plan name → the guardrail limits of a store's namespace, next to the
// guardrail builders that turn them into a ResourceQuota and a LimitRange.
// The quota must fit the engine charts' own requests with room for the setup
// job and a rolling update (two app pods at once): charts/test checks that.
// The plan names mirror PLANS in packages/db (this package imports nothing of
// ours); the controller's typecheck holds the two lists together.
import type { PlanLimits } from "./guardrails.ts";

export const PLAN_LIMITS = {
  small: { cpu: "2", memory: "3Gi", storage: "10Gi", pods: 10, pvcs: 4 },
  medium: { cpu: "4", memory: "6Gi", storage: "30Gi", pods: 16, pvcs: 6 },
  large: { cpu: "8", memory: "12Gi", storage: "80Gi", pods: 24, pvcs: 8 },
} as const satisfies Record<string, PlanLimits>;

export type PlanName = keyof typeof PLAN_LIMITS;

/**
 * One line a person reads when choosing a plan ("up to 2 CPU · 3 GiB memory ·
 * 10 GiB storage"), rendered from PLAN_LIMITS so the form, the CLI help and
 * the docs can never promise more than the quota grants.
 */
export function describePlan(plan: PlanName): string {
  const l = PLAN_LIMITS[plan];
  const gib = (q: string) => q.replace(/Gi$/, " GiB");
  return `up to ${l.cpu} CPU · ${gib(l.memory)} memory · ${gib(l.storage)} storage`;
}
