import type { NamespaceState } from "../cluster.ts";
import { eventProblems } from "./event-problems.ts";
import { jobProblems } from "./job-problems.ts";
import { podProblems } from "./pod-problems.ts";
import { dedupe, type Problem, type ProblemKind } from "./problem.ts";

/** Every problem in a store namespace, most specific first (pods, jobs, then events). */
export function namespaceProblems(ns: NamespaceState): Problem[] {
  const out: Problem[] = [];
  // Finished pods stay around after a Job retried (and maybe succeeded); they
  // explain something only while their Job has failed.
  const failedJobs = new Set(ns.jobs.filter((j) => j.failedReason).map((j) => j.name));
  for (const pod of ns.pods) {
    const finished = pod.phase === "Succeeded" || pod.phase === "Failed";
    if (finished && !(pod.owner && failedJobs.has(pod.owner))) continue;
    out.push(...podProblems(pod));
  }
  for (const job of ns.jobs) out.push(...jobProblems(job));
  for (const r of ns.releases) {
    if (r.status === "failed") {
      out.push({
        kind: "ReleaseFailed",
        message: `Helm release "${r.name}" revision ${r.revision} failed`,
      });
    }
  }
  out.push(...eventProblems(ns.events));
  return dedupe(out);
}

export function describeNamespaceProblems(ns: NamespaceState): string[] {
  return namespaceProblems(ns).map((p) => p.message);
}

export interface StoreHealth {
  /** Value for the WorkloadsReady condition. */
  ready: boolean;
  /** Condition reason (CamelCase): WorkloadsReady, NoWorkloads, Progressing, or the first problem's kind. */
  reason: string;
  /** One sentence for the condition message. */
  message: string;
  problems: string[];
}

// Events linger for an hour after what caused them, and a failed release is
// the ReleaseReady condition's business: neither decides WorkloadsReady, they
// only add context while the workloads are not ready.
const CONTEXT_ONLY: ReadonlySet<ProblemKind> = new Set(["ClusterEvent", "ReleaseFailed"]);

/**
 * WorkloadsReady for the controller: every Deployment/StatefulSet has its
 * desired replicas ready, no job failed and every job that still exists has
 * completed. Current pod/job problems outrank progress in the reason, so a
 * store waiting on an image that cannot be pulled says so instead of
 * "Progressing".
 */
export function summarizeStoreHealth(ns: NamespaceState): StoreHealth {
  const problems = namespaceProblems(ns);
  const messages = problems.map((p) => p.message);
  const blocking = problems.filter((p) => !CONTEXT_ONLY.has(p.kind));
  const first = blocking[0];
  if (first) {
    const more = blocking.length > 1 ? ` (+${blocking.length - 1} more)` : "";
    return {
      ready: false,
      reason: first.kind,
      message: `${first.message}${more}`,
      problems: messages,
    };
  }
  const context = problems[0] ? `; ${problems[0].message}` : "";
  if (ns.workloads.length === 0) {
    return {
      ready: false,
      reason: "NoWorkloads",
      message: `no workloads found yet${context}`,
      problems: messages,
    };
  }
  const waiting = ns.workloads
    .filter((w) => w.readyReplicas < w.desiredReplicas)
    .map((w) => `${w.kind} ${w.name} ${w.readyReplicas}/${w.desiredReplicas} ready`);
  const jobs = ns.jobs.filter((j) => !j.complete).map((j) => `Job ${j.name} running`);
  const pending = [...waiting, ...jobs];
  if (pending.length > 0) {
    return {
      ready: false,
      reason: "Progressing",
      message: `waiting: ${pending.join(", ")}${context}`,
      problems: messages,
    };
  }
  const total = ns.workloads.length;
  const jobNote = ns.jobs.length ? `, ${ns.jobs.length} job(s) complete` : "";
  return {
    ready: true,
    reason: "WorkloadsReady",
    message: `${total} workload${total === 1 ? "" : "s"} ready${jobNote}`,
    problems: messages,
  };
}
