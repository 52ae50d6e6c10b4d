// One way to say why a backup, restore or verify Job failed: the Job's own
// condition (BackoffLimitExceeded, DeadlineExceeded) and, when a pod left one,
// the reason its script gave (images/backup/*.sh write it to their
// termination-message file; packages/k8s reads it into scriptReason).
import type { JobState } from "@storeplane/k8s";

/**
 * "the restore Job failed (BackoffLimitExceeded: …): restore: pg_restore … failed".
 * `hintWithoutReason` says where to look when no script reason was read.
 */
export function describeJobFailure(
  what: string,
  job: Pick<JobState, "failedReason" | "failedMessage" | "scriptReason">,
  hintWithoutReason?: string,
): string {
  const condition = job.failedReason
    ? ` (${job.failedReason}${job.failedMessage ? `: ${job.failedMessage}` : ""})`
    : "";
  if (job.scriptReason) return `${what} failed${condition}: ${job.scriptReason}`;
  return `${what} failed${condition}${hintWithoutReason ? `; ${hintWithoutReason}` : ""}`;
}
