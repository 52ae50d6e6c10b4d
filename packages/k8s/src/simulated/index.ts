// The simulated cluster (test and demo tool): in memory, no real Kubernetes.
// Imported only through `@storeplane/k8s/simulated`, so production code that
// wants it has to ask for it by name. By name, only what other packages use.
export { ManualClock } from "./clock.ts";
export {
  DEFAULT_LATENCIES,
  FAST_LATENCIES,
  type SimulatedLatencies,
} from "./latencies.ts";
export {
  type PersistedClusterState,
  persistedNamespaces,
  persistedReleases,
  readSimulatedClusterState,
} from "./persistence.ts";
export { seededRandom } from "./random.ts";
export {
  createSimulatedCluster,
  SimulatedCluster,
} from "./simulated-cluster.ts";
