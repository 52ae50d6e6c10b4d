// The read-only view of the cluster the API needs, as packages/k8s defines it
// (`createClusterReader` implements it). Types only: the API never loads
// client-node; whoever starts the process (apps/web) passes a reader in.
export type {
  ClusterInfo,
  ClusterReader,
  JobState,
  PodState,
  StoreCredentials,
  StoreResources,
  WorkloadState,
} from "@storeplane/k8s";
