// A problem found in a store's objects: a machine-readable kind (for the
// controller's condition reason) and a sentence for a human.
export type ProblemKind =
  | "ImagePullFailed"
  | "CrashLooping"
  | "OOMKilled"
  | "ConfigError"
  | "ContainerError"
  | "Unschedulable"
  | "JobFailed"
  | "ReleaseFailed"
  | "ClusterEvent";

export interface Problem {
  kind: ProblemKind;
  message: string;
}

export function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    if (seen.has(p.message)) return false;
    seen.add(p.message);
    return true;
  });
}
