// Domain vocabulary shared by the API (validation), the controller (plans,
// phases, conditions) and the dashboard. Plain data, no I/O.

export const ENGINES = ["woocommerce", "medusa"] as const;
export type Engine = (typeof ENGINES)[number];

export const PLANS = ["small", "medium", "large"] as const;
export type Plan = (typeof PLANS)[number];

export const PHASES = [
  "Pending",
  "Provisioning",
  "Ready",
  // A restore or clone is replacing the store's data: its app is scaled to
  // zero (the databases keep running) until the restore Job has finished.
  "Restoring",
  "Suspended",
  "Failed",
  "Deleting",
  "Deleted",
] as const;
export type Phase = (typeof PHASES)[number];

/** The steps of provisioning, in the order the controller works through them. */
export const STEP_CONDITION_TYPES = [
  "NamespaceReady",
  "GuardrailsReady",
  "SecretsReady",
  "ReleaseReady",
  "WorkloadsReady",
] as const;

/**
 * Every condition a store carries, in the one order the controller writes them
 * and the dashboard and CLI read them: the steps, then (after Flux's
 * helm-controller and kstatus) `Ready` summarising them, `Reconciling` while
 * work is under way and `Stalled` when progress stopped until someone acts.
 * Reconciling and Stalled are present only while True (abnormal-true
 * polarity), and so is `Suspended`: the store is scaled to zero as asked
 * (docs/fleet.md). See docs/decisions/006-conditions.md.
 */
export const CONDITION_TYPES = [
  ...STEP_CONDITION_TYPES,
  "Ready",
  "Reconciling",
  "Stalled",
  "Suspended",
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Position of a condition type in CONDITION_TYPES; unknown types sort last. */
export function conditionRank(type: string): number {
  const i = (CONDITION_TYPES as readonly string[]).indexOf(type);
  return i === -1 ? CONDITION_TYPES.length : i;
}

/** Kubernetes condition shape. */
export interface Condition {
  type: ConditionType | string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

export type EventType = "Normal" | "Warning";
export type UserRole = "admin" | "member";

/** Where each engine's admin lives under the store URL. */
export const ADMIN_PATHS: Record<Engine, string> = {
  woocommerce: "/wp-admin/",
  medusa: "/app",
};

/** Where stores are served: the scheme and the store base domain (STORE_BASE_DOMAIN). */
export interface StoreSite {
  scheme: "http" | "https";
  /** Stores answer at `<name>.<baseDomain>`; ideally a registrable domain of its own, not the dashboard's (docs/production.md). */
  baseDomain: string;
}

/**
 * Where a store answers: `<scheme>://<name>.<base domain>` — the host the
 * controller gives the engine chart's ingress and the URL the API shows. The
 * one rule for both, so the two can never disagree.
 */
export function storeUrls(
  store: { name: string; engine: Engine },
  site: StoreSite,
): { host: string; storeUrl: string; adminUrl: string } {
  const host = `${store.name}.${site.baseDomain}`;
  const storeUrl = `${site.scheme}://${host}`;
  return { host, storeUrl, adminUrl: `${storeUrl}${ADMIN_PATHS[store.engine]}` };
}
