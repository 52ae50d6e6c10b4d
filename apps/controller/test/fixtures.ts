// Unit-test fixtures: a store row, its desired state and namespace views.
import type { Store } from "@storeplane/db";
import type { NamespaceState } from "@storeplane/k8s";
import { ChartCatalog, type DesiredStore, desiredStore } from "../src/desired.ts";
import { CHARTS_DIR } from "./harness.ts";

export function storeRow(overrides: Partial<Store> = {}): Store {
  const now = new Date("2026-01-01T00:00:00Z");
  return {
    id: "00000000-0000-4000-8000-000000000001",
    name: "shop",
    engine: "woocommerce",
    owner_id: "00000000-0000-4000-8000-000000000002",
    plan: "small",
    spec: {},
    generation: 1,
    observed_generation: 0,
    deletion_requested_at: null,
    deletion_protection: false,
    suspended: false,
    chart_version: null,
    deployed_chart_version: null,
    rollback_chart_version: null,
    deleted_at: null,
    phase: "Pending",
    conditions: [],
    store_url: null,
    admin_url: null,
    failure_count: 0,
    last_error: null,
    next_reconcile_at: now,
    claimed_by: "replica-a",
    claim_expires_at: null,
    provisioning_started_at: null,
    ready_at: null,
    idempotency_key: null,
    created_at: now,
    updated_at: now,
    ...overrides,
  };
}

export const desiredConfig = {
  chartsDir: CHARTS_DIR,
  valuesProfile: "local" as const,
  baseDomain: "localhost",
  urlScheme: "http" as const,
  ingressNamespace: "traefik",
  helmTimeoutSeconds: 30,
};

const catalog = new ChartCatalog(CHARTS_DIR, "local");

export function desiredFor(store: Store): DesiredStore {
  return desiredStore(store, desiredConfig, catalog);
}

/** A namespace where every step is done and every workload ready. */
export function healthyNamespace(
  desired: DesiredStore,
  overrides: Partial<NamespaceState> = {},
): NamespaceState {
  return {
    name: desired.namespace,
    storeId: "00000000-0000-4000-8000-000000000001",
    phase: "Active",
    labels: { ...desired.namespaceLabels },
    guardrails: { ...desired.expectedGuardrails },
    secrets: [desired.secretName],
    releases: [
      {
        name: "store",
        namespace: desired.namespace,
        revision: 1,
        status: "deployed",
        valuesDigest: desired.release.valuesDigest,
      },
    ],
    // What the store's chart says it renders (its storeplane.io/workloads), all ready.
    workloads: desired.workloads.map((name) => ({
      kind: /-(mariadb|postgres)$/.test(name) ? ("StatefulSet" as const) : ("Deployment" as const),
      name,
      namespace: desired.namespace,
      desiredReplicas: 1,
      readyReplicas: 1,
    })),
    jobs: [
      {
        name: "setup",
        namespace: desired.namespace,
        active: 0,
        succeeded: 1,
        failed: 0,
        complete: true,
        failedReason: null,
        failedMessage: null,
      },
    ],
    pods: [],
    pvcs: [],
    events: [],
    ...overrides,
  };
}
