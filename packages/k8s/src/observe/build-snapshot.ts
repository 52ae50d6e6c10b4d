// One snapshot from a fixed set of cluster-wide, label-selected lists: the
// cost is the same for 5 stores or 500. Grouping by namespace is pure, so it
// is tested without a server.
import type {
  CoreV1Event,
  V1Deployment,
  V1Job,
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ResourceQuota,
  V1StatefulSet,
} from "@kubernetes/client-node";
import type { KubeClient, SecretMeta } from "../client/kube-client.ts";
import type { ClusterSnapshot, EventState, HelmReleaseState, NamespaceState } from "../cluster.ts";
import { toReleaseStatus } from "../helm/parse.ts";
import {
  HELM_RELEASE_SELECTOR,
  LABELS,
  MANAGED_SELECTOR,
  STORE_WORKLOAD_SELECTOR,
} from "../store-contract.ts";
import {
  deploymentToState,
  eventToState,
  jobToState,
  podToState,
  pvcToState,
  statefulSetToState,
} from "./to-state.ts";

export interface SnapshotLists {
  namespaces: V1Namespace[];
  quotas: V1ResourceQuota[];
  limitRanges: V1LimitRange[];
  networkPolicies: V1NetworkPolicy[];
  managedSecrets: SecretMeta[];
  helmSecrets: SecretMeta[];
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
  jobs: V1Job[];
  pods: V1Pod[];
  pvcs: V1PersistentVolumeClaim[];
  events: CoreV1Event[];
}

export interface SnapshotSelectors {
  /** Selects the engine charts' objects; default STORE_WORKLOAD_SELECTOR. */
  workloadSelector?: string;
}

/**
 * The list calls a snapshot makes. KubeClient answers them from the API
 * server; the simulated cluster answers the same calls from its object store,
 * so both clusters' snapshots come from this module.
 */
export type SnapshotSource = Pick<
  KubeClient,
  | "listNamespaces"
  | "listResourceQuotas"
  | "listLimitRanges"
  | "listNetworkPolicies"
  | "listSecretMetadata"
  | "listDeployments"
  | "listStatefulSets"
  | "listJobs"
  | "listPods"
  | "listPvcs"
  | "listWarningEvents"
>;

/** Exactly 12 list requests, in parallel, whatever the number of stores. */
export async function readSnapshotLists(
  client: SnapshotSource,
  selectors: SnapshotSelectors = {},
): Promise<SnapshotLists> {
  const w = selectors.workloadSelector ?? STORE_WORKLOAD_SELECTOR;
  const [
    namespaces,
    quotas,
    limitRanges,
    networkPolicies,
    managedSecrets,
    helmSecrets,
    deployments,
    statefulSets,
    jobs,
    pods,
    pvcs,
    events,
  ] = await Promise.all([
    client.listNamespaces(MANAGED_SELECTOR),
    client.listResourceQuotas(MANAGED_SELECTOR),
    client.listLimitRanges(MANAGED_SELECTOR),
    client.listNetworkPolicies(MANAGED_SELECTOR),
    client.listSecretMetadata(MANAGED_SELECTOR),
    client.listSecretMetadata(HELM_RELEASE_SELECTOR),
    client.listDeployments(w),
    client.listStatefulSets(w),
    client.listJobs(w),
    client.listPods(w),
    client.listPvcs(w),
    client.listWarningEvents(),
  ]);
  return {
    namespaces,
    quotas,
    limitRanges,
    networkPolicies,
    managedSecrets,
    helmSecrets,
    deployments,
    statefulSets,
    jobs,
    pods,
    pvcs,
    events,
  };
}

export const EVENTS_PER_NAMESPACE = 20;

/** Newest first, at most EVENTS_PER_NAMESPACE: what a person reads first. */
export function latestEvents(events: EventState[]): EventState[] {
  return [...events]
    .sort((a, b) => (b.lastSeen ?? "").localeCompare(a.lastSeen ?? ""))
    .slice(0, EVENTS_PER_NAMESPACE);
}

function emptyState(ns: V1Namespace): NamespaceState {
  const labels = ns.metadata?.labels ?? {};
  const terminating = Boolean(ns.metadata?.deletionTimestamp) || ns.status?.phase === "Terminating";
  return {
    name: ns.metadata?.name ?? "",
    storeId: labels[LABELS.storeId] ?? null,
    phase: terminating ? "Terminating" : "Active",
    labels,
    guardrails: {},
    secrets: [],
    releases: [],
    workloads: [],
    jobs: [],
    pods: [],
    pvcs: [],
    events: [],
    terminationMessages: terminating
      ? (ns.status?.conditions ?? [])
          .filter((c) => c.status === "True" && c.message)
          .map((c) => `${c.type}: ${c.message}`)
      : [],
  };
}

/**
 * Helm keeps one Secret per revision, labelled name/status/version (and our
 * values digest). The latest revision per release is the release's state;
 * the payload is never fetched or decoded.
 */
export function releasesFromHelmSecrets(secrets: SecretMeta[]): HelmReleaseState[] {
  const latest = new Map<string, HelmReleaseState>();
  for (const s of secrets) {
    const name = s.labels.name;
    const revision = Number.parseInt(s.labels.version ?? "", 10);
    if (!name || !Number.isFinite(revision)) continue;
    const key = `${s.namespace}/${name}`;
    const seen = latest.get(key);
    if (seen && seen.revision >= revision) continue;
    latest.set(key, {
      name,
      namespace: s.namespace,
      revision,
      status: toReleaseStatus(s.labels.status),
      valuesDigest: s.labels[LABELS.valuesDigest] ?? null,
    });
  }
  return [...latest.values()];
}

export function buildSnapshot(lists: SnapshotLists, takenAt: Date = new Date()): ClusterSnapshot {
  const namespaces = new Map<string, NamespaceState>();
  for (const ns of lists.namespaces) {
    const state = emptyState(ns);
    if (state.name) namespaces.set(state.name, state);
  }
  // Everything below is cluster-wide; keep only what lives in our namespaces.
  const within = (namespace: string | undefined) =>
    namespace ? namespaces.get(namespace) : undefined;

  const guardrailSources: [string, { metadata?: V1Namespace["metadata"] }[]][] = [
    ["ResourceQuota", lists.quotas],
    ["LimitRange", lists.limitRanges],
    ["NetworkPolicy", lists.networkPolicies],
  ];
  for (const [kind, items] of guardrailSources) {
    for (const o of items) {
      const ns = within(o.metadata?.namespace);
      if (ns && o.metadata?.name) {
        ns.guardrails[`${kind}/${o.metadata.name}`] =
          o.metadata.labels?.[LABELS.specDigest] ?? null;
      }
    }
  }
  for (const s of lists.managedSecrets) within(s.namespace)?.secrets.push(s.name);
  for (const r of releasesFromHelmSecrets(lists.helmSecrets)) within(r.namespace)?.releases.push(r);
  for (const d of lists.deployments)
    within(d.metadata?.namespace)?.workloads.push(deploymentToState(d));
  for (const s of lists.statefulSets)
    within(s.metadata?.namespace)?.workloads.push(statefulSetToState(s));
  for (const j of lists.jobs) within(j.metadata?.namespace)?.jobs.push(jobToState(j));
  for (const p of lists.pods) within(p.metadata?.namespace)?.pods.push(podToState(p));
  for (const p of lists.pvcs) within(p.metadata?.namespace)?.pvcs.push(pvcToState(p));
  for (const e of lists.events) {
    const state = eventToState(e);
    if (state.type === "Warning") within(state.namespace)?.events.push(state);
  }
  for (const ns of namespaces.values()) ns.events = latestEvents(ns.events);
  return { takenAt, namespaces };
}
