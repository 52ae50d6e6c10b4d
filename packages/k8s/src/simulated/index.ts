// The simulated cluster (test and demo tool): in memory, no real Kubernetes.
// Imported only through `@storeplane/k8s/simulated`, so production code that
// wants it has to ask for it by name.
export { type Clock, ManualClock, realClock } from "./clock.ts";
export {
  type PersistedClusterState,
  type PersistedCounters,
  type PersistedNamespace,
  type PersistedRelease,
  readSimulatedClusterState,
  STATE_FILE_VERSION,
} from "./persistence.ts";
export {
  type ClusterMethod,
  createSimulatedCluster,
  DEFAULT_LATENCIES,
  FAST_LATENCIES,
  type Overlap,
  SIMULATED_CLUSTER_MESSAGE,
  SimulatedCluster,
  SimulatedClusterClient,
  type SimulatedClusterOptions,
  type SimulatedClusterStats,
  type SimulatedLatencies,
  SNAPSHOT_LIST_CALLS,
  type TransientFaults,
} from "./simulated-cluster.ts";
export { type SimulatedWorkloadPlan, workloadPlanFor } from "./workloads.ts";
