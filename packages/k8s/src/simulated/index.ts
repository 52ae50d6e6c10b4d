// The simulated cluster (test and demo tool): in memory, no real Kubernetes.
// Imported only through `@storeplane/k8s/simulated`, so production code that
// wants it has to ask for it by name.
export type { Overlap, SimulatedClusterStats } from "./calls.ts";
export { type Clock, ManualClock, realClock } from "./clock.ts";
export type { ClusterMethod, TransientFaults } from "./faults.ts";
export type { SimMeta, SimObject } from "./object-store.ts";
export {
  type PersistedClusterState,
  type PersistedCounters,
  persistedNamespaces,
  persistedReleases,
  readSimulatedClusterState,
  STATE_FILE_VERSION,
} from "./persistence.ts";
export { type Random, seededRandom } from "./random.ts";
export {
  createSimulatedCluster,
  DEFAULT_LATENCIES,
  FAST_LATENCIES,
  SIMULATED_CLUSTER_MESSAGE,
  SimulatedCluster,
  type SimulatedClusterOptions,
  type SimulatedLatencies,
  SNAPSHOT_LIST_CALLS,
} from "./simulated-cluster.ts";
