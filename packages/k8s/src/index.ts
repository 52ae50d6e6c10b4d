// The public surface of @storeplane/k8s. Everything else is internal.

export { isKubeError, KubeError, type KubeErrorCode, toKubeError } from "./client/errors.ts";
export { KubeClient, type KubeClientOptions, type SecretMeta } from "./client/kube-client.ts";
export { loadDefaultKubeConfig } from "./client/kubeconfig.ts";
export { POD_SECURITY_LABELS, storeNamespaceLabels } from "./client/namespace-labels.ts";
export * from "./cluster.ts";
export { CLUSTER_MODES, clusterModeSchema, parseClusterMode } from "./cluster-mode.ts";
export {
  type ClusterReader,
  type ClusterReaderOptions,
  createClusterReader,
  type StoreCredentials,
  type StoreResources,
} from "./cluster-reader.ts";
export { shortDigest, stableStringify } from "./digest.ts";
export { ClassifiedError, type ErrorClass } from "./error-class.ts";
export {
  buildGuardrails,
  type ContainerDefaults,
  expectedGuardrails,
  GUARDRAIL_NAMES,
  type GuardrailInput,
  type PlanLimits,
} from "./guardrails.ts";
export {
  ChartInvalid,
  ClusterUnreachable,
  createHelm,
  type Helm,
  HelmError,
  type HelmErrorKind,
  HelmFailed,
  type HelmHistoryEntry,
  type HelmOptions,
  type HelmReleaseInfo,
  HelmTimeout,
  NamespaceNotFound,
  ReleaseLocked,
  ReleaseNotFound,
  type RunOptions,
  resolveHelmBinary,
} from "./helm/index.ts";
export { createKubeCluster, type KubeClusterOptions } from "./kube-cluster.ts";
export { buildSnapshot, releasesFromHelmSecrets } from "./observe/build-snapshot.ts";
export { PLAN_LIMITS, type PlanName } from "./plans.ts";
export { controllerPolicyRules, type PolicyRule } from "./rbac.ts";
export * from "./readers/index.ts";
export * from "./store-contract.ts";
