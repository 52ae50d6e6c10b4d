// The snapshot's list calls answered from the object store: the same
// selectors the real client sends (label selectors, `type=Warning` for
// events, metadata only for Secrets), so `readSnapshotLists` and
// `buildSnapshot` run unchanged on the simulated cluster. With a `scope`, every
// call answers as if the cluster held that one namespace: the snapshot cache
// rebuilds a changed namespace through the same calls and readers.
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
import type { SecretMeta } from "../client/kube-client.ts";
import { labelMatcher } from "../label-selector.ts";
import type { SnapshotSource } from "../observe/build-snapshot.ts";
import type { ObjectStore, SimObject } from "./object-store.ts";

// Stored objects carry ISO strings where client-node's deserializer would
// give Dates; the readers (to-state.ts) accept both.
const as = <T>(items: SimObject[]) => items as unknown as T[];

export function storeListSource(
  store: ObjectStore,
  onCall: (what: string) => void,
  scope?: string,
): SnapshotSource {
  const list = <T>(kind: string, labelSelector: string | undefined, namespace = scope) => {
    onCall(kind);
    return Promise.resolve(as<T>(store.list(kind, { labelSelector, namespace })));
  };
  const namespaces = (labelSelector: string | undefined) => {
    if (scope === undefined) return list<V1Namespace>("Namespace", labelSelector);
    onCall("Namespace");
    const ns = store.get("Namespace", undefined, scope);
    const keep = ns && labelMatcher(labelSelector)(ns.metadata.labels);
    return Promise.resolve(as<V1Namespace>(keep ? [ns] : []));
  };
  return {
    listNamespaces: namespaces,
    listResourceQuotas: (selector) => list<V1ResourceQuota>("ResourceQuota", selector),
    listLimitRanges: (selector) => list<V1LimitRange>("LimitRange", selector),
    listNetworkPolicies: (selector) => list<V1NetworkPolicy>("NetworkPolicy", selector),
    async listSecretMetadata(labelSelector, namespace): Promise<SecretMeta[]> {
      onCall("Secret");
      // PartialObjectMetadata: the payload never leaves the store.
      return store.list("Secret", { labelSelector, namespace: namespace ?? scope }).map((s) => ({
        name: s.metadata.name,
        namespace: s.metadata.namespace ?? "",
        labels: s.metadata.labels ?? {},
      }));
    },
    listDeployments: (selector, ns) => list<V1Deployment>("Deployment", selector, ns),
    listStatefulSets: (selector, ns) => list<V1StatefulSet>("StatefulSet", selector, ns),
    listJobs: (selector, ns) => list<V1Job>("Job", selector, ns),
    listPods: (selector, ns) => list<V1Pod>("Pod", selector, ns),
    listPvcs: (selector, ns) =>
      list<V1PersistentVolumeClaim>("PersistentVolumeClaim", selector, ns),
    async listWarningEvents(namespace): Promise<CoreV1Event[]> {
      onCall("Event");
      return as<CoreV1Event>(
        store.list("Event", { namespace: namespace ?? scope, fieldSelector: "type=Warning" }),
      );
    },
  };
}
