// plan for one restore or clone: its row, its store and what the cluster
// shows in → the next step out. Pure (the runner observes, acts and records),
// like plan-backup.ts. While the row is `running` the store's phase is
// Restoring (reconcile/observe.ts reads the row) and the reconcile loop runs
// no helm for it.
//
//   requested, store being deleted            → fail        (nothing was touched)
//   requested, store not Ready (a clone: its first Ready, release deployed) → wait
//   requested, store Ready                    → begin       (record the app Deployments
//                                                            and their replicas, then scale to 0)
//   running, a recorded Deployment above 0    → scale-down  (again: idempotent)
//   running, app pods still there             → wait
//   running, no Job yet                       → apply-job
//   running, Job active                       → wait
//   running, Job complete                     → finish succeeded
//   running, Job failed or gone               → finish failed (never retried)
// `finish` scales the app back to the recorded replicas, records the
// outcome, and deletes the Job.
import type { ScaledWorkload, Store } from "@storeplane/db";
import type { JobState, NamespaceState } from "@storeplane/k8s";
import { describeJobFailure } from "./job-failure.ts";

export interface RestoreRowState {
  status: "requested" | "running" | "succeeded" | "failed";
  kind: "restore" | "clone";
  scaled: ScaledWorkload[] | null;
  jobName: string | null;
}

export type RestoreStep =
  | { step: "wait"; reason: string }
  | { step: "begin"; scale: ScaledWorkload[] }
  | { step: "scale-down"; workloads: ScaledWorkload[] }
  | { step: "apply-job" }
  | { step: "finish"; outcome: "succeeded" }
  | { step: "finish"; outcome: "failed"; reason: string }
  | { step: "fail"; reason: string }
  | { step: "none" };

export interface RestoreView {
  store: Pick<Store, "name" | "phase" | "deletion_requested_at" | "deleted_at">;
  /** The store's namespace as the snapshot shows it; undefined when absent. */
  namespace: NamespaceState | undefined;
  /** The restore Job as read from the API server; null when absent, undefined when not read. */
  job: JobState | null | undefined;
}

/**
 * The app: every Deployment of the release (Medusa, Redis; WordPress; the
 * paused page when suspended) that runs at least one replica. StatefulSets
 * are the databases in both engine charts (charts/medusa/templates/postgres.yaml,
 * charts/woocommerce/templates/mariadb.yaml) and keep running: restore.sh
 * writes into them.
 */
export function appWorkloads(ns: NamespaceState): ScaledWorkload[] {
  return ns.workloads
    .filter((w) => w.kind === "Deployment" && w.desiredReplicas > 0)
    .map((w) => ({ kind: w.kind, name: w.name, replicas: w.desiredReplicas }));
}

function jobFailure(job: JobState | null): string | null {
  if (!job) return "the restore Job is gone (deleted before its result was read)";
  if (job.failedReason || job.failed > 0) {
    return describeJobFailure(
      "the restore Job",
      job,
      "see its logs for restore.sh's reason (a part that fails its checksum is refused before anything is changed)",
    );
  }
  return null;
}

export function planRestore(row: RestoreRowState, view: RestoreView): RestoreStep {
  if (row.status === "succeeded" || row.status === "failed") return { step: "none" };
  const { store, namespace } = view;
  if (row.status === "requested") {
    if (store.deleted_at || store.deletion_requested_at)
      return { step: "fail", reason: `store ${store.name} is being deleted; nothing was restored` };
    if (store.phase !== "Ready" || !namespace) {
      const what = row.kind === "clone" ? "the clone's first Ready" : "the store to be Ready";
      return {
        step: "wait",
        reason: `waiting for ${what} (store ${store.name} is ${store.phase})`,
      };
    }
    return { step: "begin", scale: appWorkloads(namespace) };
  }
  // running
  const scaled = row.scaled ?? [];
  const names = new Set(scaled.map((w) => w.name));
  const live = namespace?.workloads ?? [];
  const up = scaled.filter((w) =>
    live.some((l) => l.kind === w.kind && l.name === w.name && l.desiredReplicas > 0),
  );
  if (row.jobName === null) {
    if (up.length > 0) return { step: "scale-down", workloads: up };
    const left = (namespace?.pods ?? []).filter((p) => p.owner !== null && names.has(p.owner));
    if (left.length > 0)
      return {
        step: "wait",
        reason: `waiting for the app's pods to stop: ${left.map((p) => p.name).join(", ")}`,
      };
    return { step: "apply-job" };
  }
  if (view.job === undefined) return { step: "wait", reason: "the restore Job was not read" };
  if (view.job?.complete) return { step: "finish", outcome: "succeeded" };
  const failure = jobFailure(view.job);
  if (failure) return { step: "finish", outcome: "failed", reason: failure };
  return { step: "wait", reason: `restore Job ${row.jobName} is running` };
}
