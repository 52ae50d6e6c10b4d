// Prometheus metrics, one registry per controller (so replicas in one test
// process do not share counters).
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ReconcileObserver } from "./loop.ts";

export interface ControllerMetrics {
  registry: Registry;
  reconcileDuration: Histogram<"result">;
  queueDepth: Gauge;
  storesByPhase: Gauge<"phase">;
  failures: Counter<"reason">;
}

export interface MetricsSources {
  queueDepth(): number;
  storesByPhase(): Promise<Record<string, number>>;
  clusterMode: string;
  replicaId: string;
}

export function createMetrics(sources: MetricsSources): ControllerMetrics {
  const registry = new Registry();
  const reconcileDuration = new Histogram({
    name: "storeplane_reconcile_duration_seconds",
    help: "Duration of one reconcile pass of one store",
    labelNames: ["result"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: "storeplane_controller_queue_depth",
    help: "Stores claimed by this replica and waiting for or running a reconcile",
    registers: [registry],
    collect() {
      this.set(sources.queueDepth());
    },
  });
  const storesByPhase = new Gauge({
    name: "storeplane_stores",
    help: "Stores by phase (from the database)",
    labelNames: ["phase"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [phase, count] of Object.entries(await sources.storesByPhase()))
        this.set({ phase }, count);
    },
  });
  const failures = new Counter({
    name: "storeplane_reconcile_failures_total",
    help: "Failed reconcile passes by reason",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const info = new Gauge({
    name: "storeplane_controller_info",
    help: "Always 1; labels say which cluster this controller acts on",
    labelNames: ["cluster_mode", "replica"] as const,
    registers: [registry],
  });
  info.set({ cluster_mode: sources.clusterMode, replica: sources.replicaId }, 1);
  return { registry, reconcileDuration, queueDepth, storesByPhase, failures };
}

/** Feeds the reconcile histogram and the failure counter from the loop. */
export function metricsObserver(metrics: ControllerMetrics): ReconcileObserver {
  return {
    reconcileFinished(_store, report, durationMs) {
      metrics.reconcileDuration.observe({ result: report.result.kind }, durationMs / 1000);
      if (report.result.kind === "retry-with-backoff" || report.result.kind === "terminal")
        metrics.failures.inc({ reason: report.result.reason });
    },
  };
}
