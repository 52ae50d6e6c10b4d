// The one vocabulary for CLUSTER, shared by every process (dashboard,
// controller, `npm run dev`): "kube" acts on the cluster of the kubeconfig (or
// the in-cluster service account); "simulated" on the in-memory simulated
// cluster, a test and demo tool. Parsed here, once, so that a typo names the
// variable and the allowed words the same way everywhere.
import { z } from "zod";

export const CLUSTER_MODES = ["kube", "simulated"] as const;
export type ClusterMode = (typeof CLUSTER_MODES)[number];

/** The CLUSTER variable as a zod field, for env schemas that compose it (unset: kube). */
export const clusterModeSchema = z
  .enum(CLUSTER_MODES, {
    error: (issue) =>
      `CLUSTER must be one of ${CLUSTER_MODES.join(", ")} (got ${JSON.stringify(issue.input)})`,
  })
  .default("kube");

/** Parses CLUSTER on its own; throws an Error naming CLUSTER and the allowed values. */
export function parseClusterMode(value: string | undefined): ClusterMode {
  const parsed = clusterModeSchema.safeParse(value === "" ? undefined : value);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "CLUSTER is invalid");
  return parsed.data;
}
