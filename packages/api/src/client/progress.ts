// One line that says where a store is: its phase and the condition it is
// waiting on — or, when the controller says so, what it is doing (Reconciling)
// or why it stopped (Stalled). Shared by storectl --wait and the e2e suite's logs.

import { conditionRank } from "@storeplane/db/domain";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../root.ts";

export type ClientStore = inferRouterOutputs<AppRouter>["stores"]["get"];

/** The first step (or Ready) that is not yet True, in the domain's condition order. */
export function currentCondition(store: Pick<ClientStore, "conditions">) {
  const conditions = [...store.conditions]
    .filter((c) => c.type !== "Reconciling" && c.type !== "Stalled")
    .sort((a, b) => conditionRank(a.type) - conditionRank(b.type));
  return conditions.find((condition) => condition.status !== "True") ?? null;
}

/** Flux's abnormal-true conditions, when set: what the controller is doing, or why it stopped. */
function activeCondition(store: Pick<ClientStore, "conditions">, type: "Reconciling" | "Stalled") {
  return store.conditions.find((c) => c.type === type && c.status === "True") ?? null;
}

export function describeProgress(
  store: Pick<ClientStore, "name" | "phase" | "conditions" | "lastError" | "deletedAt">,
): string {
  if (store.deletedAt) return `${store.name}: deleted`;
  const parts = [`${store.name}: ${store.phase}`];
  const stalled = activeCondition(store, "Stalled");
  const reconciling = activeCondition(store, "Reconciling");
  if (stalled) {
    parts.push(`Stalled (${stalled.reason}${stalled.message ? `: ${stalled.message}` : ""})`);
  } else if (reconciling) {
    parts.push(`Reconciling (${reconciling.message || reconciling.reason})`);
  } else if (store.phase !== "Ready") {
    const condition = currentCondition(store);
    if (condition) {
      const detail = condition.message || condition.reason;
      parts.push(`${condition.type}=${condition.status}${detail ? ` (${detail})` : ""}`);
    }
  }
  if (store.phase === "Failed" && store.lastError) parts.push(`error: ${store.lastError}`);
  return parts.join(" — ");
}
