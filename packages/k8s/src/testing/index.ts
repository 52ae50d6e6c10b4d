// Test tools only; production code never imports them (tooling's
// package-rules test checks). By name, only what other packages' tests use;
// this package's own tests import the modules directly. One name per line.
export { FakeApiCluster } from "./fake-api-cluster.ts";
export type { RecordedRequest } from "./fake-api-server.ts";
export {
  FakeApiServer,
  startFakeApiServer,
} from "./fake-api-server.ts";
export {
  type ClusterNetwork,
  type Endpoint,
  evaluateConnection,
  type NetworkPolicyObject,
  type PodEndpoint,
} from "./network-policy-eval.ts";
export { createRecordingHelm } from "./recording-helm.ts";
