// The read-only view of the cluster the API needs. packages/k8s implements it
// (`createClusterReader`); this structural copy keeps the API compiling before
// that export lands and never pulls client-node into the API's import graph.
// Keep it in step with `ClusterReader` in @storeplane/k8s.

export interface ClusterInfo {
  mode: "kube" | "simulated";
  reachable: boolean;
  context: string | null;
  server: string | null;
  /** Human sentence for the dashboard banner, e.g. "unreachable: connect ECONNREFUSED". */
  message: string;
}

export interface StoreCredentials {
  adminUrl?: string;
  username: string;
  password: string;
  email?: string;
}

export interface ClusterContainerState {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  waitingReason: string | null;
  waitingMessage: string | null;
  lastTerminatedReason: string | null;
}

export interface ClusterPodState {
  name: string;
  namespace: string;
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  ready: boolean;
  owner: string | null;
  unschedulableMessage: string | null;
  containers: ClusterContainerState[];
  createdAt: string | null;
}

export interface ClusterWorkloadState {
  kind: "Deployment" | "StatefulSet";
  name: string;
  namespace: string;
  desiredReplicas: number;
  readyReplicas: number;
}

export interface ClusterJobState {
  name: string;
  namespace: string;
  active: number;
  succeeded: number;
  failed: number;
  complete: boolean;
  failedReason: string | null;
  failedMessage: string | null;
}

export interface StoreResources {
  pods: ClusterPodState[];
  workloads: ClusterWorkloadState[];
  jobs: ClusterJobState[];
  /** Human reasons, e.g. `ImagePullBackOff: image "x" not found`. */
  problems: string[];
}

export interface ClusterReader {
  info(): Promise<ClusterInfo>;
  /** The store admin's credentials from the store's Secret; null until it exists. */
  credentials(storeName: string): Promise<StoreCredentials | null>;
  resources(storeName: string): Promise<StoreResources>;
}
