// plan for one backup: its row and its Job's state in → the next step out.
// Pure (the caller observes, acts and records), like reconcile/plan.ts for
// stores. A backup never touches its store's phase: the store stays Ready.
//
//   requested, due, no Job      → start       (apply the Job, mark running)
//   requested, not due yet      → wait        (a retry's backoff)
//   running, Job active          → wait
//   running, Job complete        → record      (read the manifest, complete the row)
//   running, Job failed or gone  → retry with backoff while attempts remain, else fail
import type { JobState } from "@storeplane/k8s";
import { describeJobFailure } from "./job-failure.ts";

export interface BackupRowState {
  status: "requested" | "running" | "succeeded" | "failed";
  attempts: number;
  nextAttemptAt: Date;
}

export type BackupStep =
  | { step: "start"; attempt: number }
  | { step: "wait"; until?: Date }
  | { step: "record" }
  | { step: "retry"; retryAt: Date; reason: string }
  | { step: "fail"; reason: string }
  | { step: "none" };

export interface BackupPolicy {
  maxAttempts: number;
  /** First retry delay; doubled per attempt, capped at maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_BACKUP_POLICY: BackupPolicy = {
  maxAttempts: 5,
  baseBackoffMs: 60_000,
  maxBackoffMs: 3_600_000,
};

export function backoffMs(attempts: number, policy: BackupPolicy): number {
  return Math.min(policy.baseBackoffMs * 2 ** Math.max(0, attempts - 1), policy.maxBackoffMs);
}

export function planBackup(
  row: BackupRowState,
  job: JobState | undefined,
  now: Date,
  policy: BackupPolicy = DEFAULT_BACKUP_POLICY,
): BackupStep {
  if (row.status === "succeeded" || row.status === "failed") return { step: "none" };
  if (row.status === "requested") {
    if (row.nextAttemptAt.getTime() > now.getTime())
      return { step: "wait", until: row.nextAttemptAt };
    return { step: "start", attempt: row.attempts + 1 };
  }
  // running
  if (job?.complete) return { step: "record" };
  const reason = !job
    ? "the backup Job is gone (deleted, or removed before its result was read)"
    : job.failedReason || job.failed > 0
      ? describeJobFailure("the backup Job", job)
      : null;
  if (reason === null) return { step: "wait" };
  if (row.attempts >= policy.maxAttempts) {
    return { step: "fail", reason: `${reason}; gave up after ${row.attempts} attempts` };
  }
  const retryAt = new Date(now.getTime() + backoffMs(row.attempts, policy));
  return { step: "retry", retryAt, reason: `${reason}; retrying at ${retryAt.toISOString()}` };
}
