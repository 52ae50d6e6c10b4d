import type { JobState } from "../cluster.ts";
import type { Problem } from "./problem.ts";

export function jobProblems(job: JobState): Problem[] {
  if (!job.failedReason) return [];
  const message = job.failedMessage ? `: ${job.failedMessage}` : "";
  return [
    {
      kind: "JobFailed",
      message: `Job "${job.name}" failed (${job.failedReason}, ${job.failed} failed pod${job.failed === 1 ? "" : "s"})${message}`,
    },
  ];
}
