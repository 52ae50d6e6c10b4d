// One line that says where a store is: its phase and the condition it is
// waiting on. Shared by storectl --wait and the e2e suite's logs.
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../root.ts";

export type ClientStore = inferRouterOutputs<AppRouter>["stores"]["get"];

/** The order the controller works through conditions (see DESIGN.md, Controller). */
const CONDITION_ORDER = [
  "NamespaceReady",
  "GuardrailsReady",
  "SecretsReady",
  "ReleaseReady",
  "WorkloadsReady",
  "Ready",
];

/** The first condition that is not yet True, in the controller's order. */
export function currentCondition(store: Pick<ClientStore, "conditions">) {
  const conditions = [...store.conditions].sort((a, b) => rank(a.type) - rank(b.type));
  return conditions.find((condition) => condition.status !== "True") ?? null;
}

function rank(type: string): number {
  const index = CONDITION_ORDER.indexOf(type);
  return index === -1 ? CONDITION_ORDER.length : index;
}

export function describeProgress(
  store: Pick<ClientStore, "name" | "phase" | "conditions" | "lastError" | "deletedAt">,
): string {
  if (store.deletedAt) return `${store.name}: deleted`;
  const parts = [`${store.name}: ${store.phase}`];
  if (store.phase !== "Ready") {
    const condition = currentCondition(store);
    if (condition) {
      const detail = condition.message || condition.reason;
      parts.push(`${condition.type}=${condition.status}${detail ? ` (${detail})` : ""}`);
    }
  }
  if (store.phase === "Failed" && store.lastError) parts.push(`error: ${store.lastError}`);
  return parts.join(" — ");
}
