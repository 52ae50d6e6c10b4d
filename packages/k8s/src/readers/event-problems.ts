import type { EventState } from "../cluster.ts";
import type { Problem } from "./problem.ts";

// Warning events that pod/job status does not already explain: a quota or
// policy refusing to create a pod, volumes that cannot be provisioned or
// mounted, evictions. (BackOff, FailedScheduling … are read from status.)
const EXPLAINING_REASONS = new Set([
  "FailedCreate",
  "FailedMount",
  "FailedAttachVolume",
  "ProvisioningFailed",
  "Evicted",
  "FailedCreatePodSandBox",
]);

export function eventProblems(events: EventState[]): Problem[] {
  return events
    .filter((e) => e.type === "Warning" && EXPLAINING_REASONS.has(e.reason))
    .map((e) => ({
      kind: "ClusterEvent" as const,
      message: `${e.reason}: ${e.involvedKind} "${e.involvedName}": ${e.message}`,
    }));
}
