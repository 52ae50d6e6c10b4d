// A ClusterReader over the simulated cluster (test and demo tool), so the
// detail page's pods and the credentials reveal work in `npm run dev` with
// CLUSTER=simulated and in the browser tests. It reads through the same
// `Cluster` interface the controller uses (one snapshot, one Secret read), so
// nothing is invented: it shows exactly what the simulation holds.
import type { ClusterReader } from "@storeplane/api";
import {
  type Cluster,
  describeNamespaceProblems,
  STORE_SECRET_KEYS,
  STORE_SECRET_NAME,
  storeNamespace,
} from "@storeplane/k8s";

export function createSimulatedClusterReader(cluster: Cluster): ClusterReader {
  return {
    info: () => cluster.info(),
    async credentials(storeName) {
      const data = await cluster.readSecret(storeNamespace(storeName), STORE_SECRET_NAME);
      const username = data?.[STORE_SECRET_KEYS.adminUsername];
      const password = data?.[STORE_SECRET_KEYS.adminPassword];
      if (!username || !password) return null;
      const email = data?.[STORE_SECRET_KEYS.adminEmail];
      return email ? { username, password, email } : { username, password };
    },
    async resources(storeName) {
      const snapshot = await cluster.snapshot();
      const ns = snapshot.namespaces.get(storeNamespace(storeName));
      if (!ns) return { pods: [], workloads: [], jobs: [], events: [], problems: [] };
      return {
        pods: ns.pods,
        workloads: ns.workloads,
        jobs: ns.jobs,
        // Real Kubernetes Event objects the simulation recorded (kubelet, controllers).
        events: ns.events,
        problems: describeNamespaceProblems(ns),
      };
    },
  };
}
