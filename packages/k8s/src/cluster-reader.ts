// Read-only views of one store for the API (detail page, credentials). Every
// request has a short timeout: a slow or absent cluster must cost the page
// two seconds at most, and the API shows the error instead of failing.
import type { KubeConfig } from "@kubernetes/client-node";
import pino, { type Logger } from "pino";
import { KubeError, toKubeError } from "./client/errors.ts";
import { KubeClient } from "./client/kube-client.ts";
import { loadDefaultKubeConfig } from "./client/kubeconfig.ts";
import type {
  ClusterInfo,
  EventState,
  JobState,
  NamespaceState,
  PodState,
  WorkloadState,
} from "./cluster.ts";
import { clusterInfo } from "./kube-cluster.ts";
import { latestEvents } from "./observe/build-snapshot.ts";
import {
  deploymentToState,
  eventToState,
  jobToState,
  podToState,
  statefulSetToState,
} from "./observe/to-state.ts";
import { describeNamespaceProblems } from "./readers/namespace-problems.ts";
import { STORE_SECRET_KEYS, STORE_SECRET_NAME, storeNamespace } from "./store-contract.ts";

export interface StoreCredentials {
  /** Not stored in the Secret today: the API derives it from the store URL and engine. */
  adminUrl?: string;
  username: string;
  password: string;
  email?: string;
}

export interface StoreResources {
  pods: PodState[];
  workloads: WorkloadState[];
  jobs: JobState[];
  /** The namespace's Warning events (kubelet, controllers, scheduler), newest first. */
  events: EventState[];
  problems: string[];
}

export interface ClusterReader {
  /** Never throws: an unreachable cluster is reported in the result. */
  info(): Promise<ClusterInfo>;
  /** null when the store's credentials Secret does not exist (yet). Throws KubeError otherwise. */
  credentials(storeName: string): Promise<StoreCredentials | null>;
  /** Throws KubeError (code Unavailable/Timeout/…) when the cluster cannot answer. */
  resources(storeName: string): Promise<StoreResources>;
}

export interface ClusterReaderOptions {
  kubeConfig?: KubeConfig;
  /** Per-request timeout; default 2 s. */
  timeoutMs?: number;
  logger?: Logger;
}

export const READER_TIMEOUT_MS = 2_000;

export function createClusterReader(options: ClusterReaderOptions = {}): ClusterReader {
  const logger = (options.logger ?? pino({ level: "silent" })).child({
    component: "cluster-reader",
  });
  // A broken kubeconfig must not crash the API at start: remember the error
  // and report it on every call instead.
  let client: KubeClient | null = null;
  let setupError: KubeError | null = null;
  try {
    client = new KubeClient(options.kubeConfig ?? loadDefaultKubeConfig(), {
      timeoutMs: options.timeoutMs ?? READER_TIMEOUT_MS,
    });
  } catch (err) {
    setupError = new KubeError("Unavailable", `kubeconfig unusable: ${(err as Error).message}`, {
      cause: err,
    });
    logger.warn({ err: setupError.message }, "no usable kubeconfig; cluster views disabled");
  }

  function need(): KubeClient {
    if (!client) throw setupError ?? new KubeError("Unavailable", "no cluster client");
    return client;
  }

  return {
    async info() {
      if (!client) {
        return {
          mode: "kube",
          reachable: false,
          context: null,
          server: null,
          message: `unreachable: ${setupError?.message}`,
        };
      }
      return clusterInfo(client);
    },

    async credentials(storeName) {
      const data = await need().readSecret(storeNamespace(storeName), STORE_SECRET_NAME);
      if (!data) return null;
      const username = data[STORE_SECRET_KEYS.adminUsername];
      const password = data[STORE_SECRET_KEYS.adminPassword];
      if (!username || !password) return null;
      const email = data[STORE_SECRET_KEYS.adminEmail];
      return email ? { username, password, email } : { username, password };
    },

    async resources(storeName) {
      const c = need();
      const namespace = storeNamespace(storeName);
      try {
        // Everything in the store's namespace belongs to the store: no selector.
        const [pods, deployments, statefulSets, jobs, events] = await Promise.all([
          c.listPods(undefined, namespace),
          c.listDeployments(undefined, namespace),
          c.listStatefulSets(undefined, namespace),
          c.listJobs(undefined, namespace),
          c.listWarningEvents(namespace),
        ]);
        const ns: NamespaceState = {
          name: namespace,
          storeId: null,
          phase: "Active",
          labels: {},
          guardrails: {},
          secrets: [],
          releases: [],
          workloads: [
            ...deployments.map(deploymentToState),
            ...statefulSets.map(statefulSetToState),
          ],
          jobs: jobs.map(jobToState),
          pods: pods.map(podToState),
          pvcs: [],
          events: latestEvents(events.map(eventToState)),
        };
        return {
          pods: ns.pods,
          workloads: ns.workloads,
          jobs: ns.jobs,
          events: ns.events,
          problems: describeNamespaceProblems(ns),
        };
      } catch (err) {
        throw toKubeError(err, `read resources of store ${storeName}`);
      }
    },
  };
}
