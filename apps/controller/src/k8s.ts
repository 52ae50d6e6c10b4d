// The few things the controller takes from @storeplane/k8s, in one place.
export {
  type Cluster,
  type ClusterSnapshot,
  type HelmReleaseState,
  type NamespaceState,
  STORE_PAUSED_PAGE,
  STORE_RELEASE_NAME,
  STORE_SECRET_KEYS,
  summarizeStoreHealth,
  whatHoldsNamespace,
} from "@storeplane/k8s";

/** True when every wanted label is present with the wanted value. */
export function hasNamespaceLabels(
  actual: Record<string, string>,
  wanted: Record<string, string>,
): boolean {
  return Object.entries(wanted).every(([k, v]) => actual[k] === v);
}
