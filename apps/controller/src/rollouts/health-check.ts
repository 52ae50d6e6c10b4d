// The engine health check of a rollout's gate (issue 16: "every upgraded
// store Ready again within a deadline and its engine's health check
// passing"): one GET of the target chart version's health path
// (storeplane.io/health-* in its Chart.yaml, read by the ChartCatalog)
// through the API server's service proxy, from outside the pod and through
// the Service, as a visitor's request would travel (minus the ingress).
import type { ChartCatalog } from "../desired.ts";
import { type Cluster, storeNamespace } from "../k8s.ts";
import type { GateHealth } from "./plan-rollout.ts";

export interface GateHealthSubject {
  storeName: string;
  engine: string;
  /** The version the store is being upgraded to: its chart names the check. */
  chartVersion: string;
}

/** null: the chart version names no health check; readiness alone decides. */
export type RolloutHealthCheck = (subject: GateHealthSubject) => Promise<GateHealth | null>;

export function createRolloutHealthCheck(
  cluster: Cluster,
  charts: ChartCatalog,
): RolloutHealthCheck {
  return async ({ storeName, engine, chartVersion }) => {
    const target = charts.tryGet(engine, chartVersion)?.health ?? null;
    if (!target) return null;
    try {
      const answer = await cluster.checkServiceHealth(storeNamespace(storeName), target);
      return { ...answer, path: target.path };
    } catch (error) {
      // The API server could not be asked: not the store's fault yet, but not
      // a pass either; the deadline decides, naming this.
      const excerpt = error instanceof Error ? error.message : String(error);
      return { ok: false, status: 0, path: target.path, excerpt: excerpt.slice(0, 160) };
    }
  };
}
