// The public surface of @storeplane/k8s: by name, only what other packages
// use (scripts/public-surface.ts lists them); everything else is internal.
// One name per line, so parallel additions merge line by line.
export { KubeError } from "./client/errors.ts";
export {
  POD_SECURITY_LABELS,
  storeNamespaceLabels,
} from "./client/namespace-labels.ts";
export type {
  Cluster,
  ClusterInfo,
  ClusterSnapshot,
  HelmReleaseState,
  JobState,
  KubeObject,
  NamespaceState,
  PodState,
  ReleaseSpec,
  WorkloadState,
} from "./cluster.ts";
export {
  type ClusterMode,
  clusterModeSchema,
} from "./cluster-mode.ts";
export {
  type ClusterReader,
  createClusterReader,
  type StoreCredentials,
  type StoreResources,
} from "./cluster-reader.ts";
export { shortDigest } from "./digest.ts";
export {
  ClassifiedError,
  type ErrorClass,
} from "./error-class.ts";
export {
  buildGuardrails,
  expectedGuardrails,
  type PlanLimits,
} from "./guardrails.ts";
export { resolveHelmBinary } from "./helm/binary.ts";
export {
  HelmError,
  ReleaseLocked,
} from "./helm/errors.ts";
export { createHelm } from "./helm/helm.ts";
export { createKubeCluster, type KubeCluster } from "./kube-cluster.ts";
export { PLAN_LIMITS } from "./plans.ts";
export {
  describeNamespaceProblems,
  summarizeStoreHealth,
} from "./readers/namespace-problems.ts";
export { whatHoldsNamespace } from "./readers/what-holds.ts";
export {
  BACKUP_COMPONENT,
  COMPONENT_LABEL,
  LABELS,
  PLATFORM_NAME,
  STORE_PAUSED_PAGE,
  STORE_RELEASE_NAME,
  STORE_SECRET_KEYS,
  STORE_SECRET_NAME,
  type StoreChartValues,
  storeNamespace,
} from "./store-contract.ts";
