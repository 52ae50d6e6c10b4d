// A cluster reader that answers from fixed data and records what it was asked.
import type { ClusterReader, StoreCredentials, StoreResources } from "../src/cluster-reader.ts";

export const FAKE_STORE_PASSWORD = "Zq9-fake-store-admin-password-7Hc";

export function fakeClusterReader(options: { fail?: string } = {}) {
  const calls: string[] = [];
  const reader: ClusterReader = {
    async info() {
      return {
        mode: "simulated",
        reachable: true,
        context: "simulated",
        server: null,
        message: "simulated cluster (test)",
      };
    },
    async credentials(storeName): Promise<StoreCredentials | null> {
      calls.push(`credentials:${storeName}`);
      if (options.fail) throw new Error(options.fail);
      if (storeName === "no-secret-yet") return null;
      return { username: "admin", password: FAKE_STORE_PASSWORD, email: "admin@example.test" };
    },
    async resources(storeName): Promise<StoreResources> {
      calls.push(`resources:${storeName}`);
      if (options.fail) throw new Error(options.fail);
      return {
        pods: [
          {
            name: `${storeName}-wordpress-0`,
            namespace: `store-${storeName}`,
            phase: "Pending",
            ready: false,
            owner: "wordpress",
            unschedulableMessage: null,
            containers: [
              {
                name: "wordpress",
                image: "wordpress:6",
                ready: false,
                restartCount: 0,
                waitingReason: "ImagePullBackOff",
                waitingMessage: "not found",
                lastTerminatedReason: null,
              },
            ],
            createdAt: null,
          },
        ],
        workloads: [],
        jobs: [],
        events: [
          {
            namespace: `store-${storeName}`,
            type: "Warning",
            reason: "BackOff",
            message: 'Back-off pulling image "wordpress:6"',
            involvedKind: "Pod",
            involvedName: `${storeName}-wordpress-0`,
            lastSeen: "2026-01-01T00:00:00Z",
          },
        ],
        problems: ['ImagePullBackOff: image "wordpress:6" not found'],
      };
    },
  };
  return { reader, calls };
}
