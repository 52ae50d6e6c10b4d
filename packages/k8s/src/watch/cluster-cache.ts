// The watch-based cache the real cluster's snapshot reads, as
// controller-runtime's informers are: each list a snapshot makes (kind +
// selector) is listed once, on first use, and then kept current by a watch
// (list-watcher.ts). After that first sync a snapshot makes no API request.
// It answers the same calls as KubeClient (SnapshotSource), so the one
// snapshot builder serves the cache, the live client and the simulator alike.
//
// Every change to something a store owns is reported as "store X changed"
// (the store from the object's store-id label, else its namespace's), so the
// controller can look at that store at once instead of at its next drift check.
import type {
  CoreV1Event,
  KubeConfig,
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
import type { Logger } from "pino";
import type { KubeClient, ListKind, SecretMeta } from "../client/kube-client.ts";
import { METADATA_ONLY_WATCH } from "../client/request-options.ts";
import type { SnapshotSource } from "../observe/build-snapshot.ts";
import { LABELS } from "../store-contract.ts";
import { ListWatcher, type WatchStats } from "./list-watcher.ts";

const WATCH_PATHS: Record<ListKind, string> = {
  namespaces: "/api/v1/namespaces",
  resourcequotas: "/api/v1/resourcequotas",
  limitranges: "/api/v1/limitranges",
  networkpolicies: "/apis/networking.k8s.io/v1/networkpolicies",
  secrets: "/api/v1/secrets",
  deployments: "/apis/apps/v1/deployments",
  statefulsets: "/apis/apps/v1/statefulsets",
  jobs: "/apis/batch/v1/jobs",
  pods: "/api/v1/pods",
  persistentvolumeclaims: "/api/v1/persistentvolumeclaims",
  events: "/api/v1/events",
};

/** Events explain what other objects' changes already report; their count bumps would only churn. */
const SILENT_KINDS: ReadonlySet<ListKind> = new Set(["events"]);

const WARNING_EVENTS = "type=Warning";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

type Metadata = {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: unknown;
};
type Cached = { metadata?: Metadata } | SecretMeta;

/** Secrets: name, namespace and labels only. The payload never reaches the cache. */
function toSecretMeta(raw: unknown): SecretMeta {
  const m = (raw as { metadata?: Metadata }).metadata ?? {};
  return { name: m.name ?? "", namespace: m.namespace ?? "", labels: m.labels ?? {} };
}

/**
 * Drops what the snapshot never reads and the API server sends on every
 * object (controller-runtime's TransformStripManagedFields, plus kubectl's
 * copy of the whole object in an annotation): it can be half an object's size.
 * Listed objects arrive as client-node model instances, which carry every
 * field of their type (unset ones as undefined) and Dates; the cache keeps
 * them as the plain JSON a watch event brings instead: one form, and about
 * half the memory (bench:controller-memory, docs/scale.md).
 */
function stripBulk(raw: unknown): unknown {
  const o = JSON.parse(JSON.stringify(raw)) as { metadata?: Metadata };
  if (!o.metadata) return raw;
  const { managedFields: _managed, annotations, ...metadata } = o.metadata;
  const kept =
    annotations && LAST_APPLIED in annotations
      ? Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== LAST_APPLIED))
      : annotations;
  return { ...o, metadata: kept ? { ...metadata, annotations: kept } : metadata };
}

function metaOf(o: Cached): { namespace: string; name: string; labels: Record<string, string> } {
  if ("metadata" in o || !("labels" in o)) {
    const m = (o as { metadata?: Metadata }).metadata ?? {};
    return { namespace: m.namespace ?? "", name: m.name ?? "", labels: m.labels ?? {} };
  }
  return { namespace: o.namespace, name: o.name, labels: o.labels };
}

export type StoreChangeListener = (storeId: string) => void;

export class ClusterCache {
  private readonly pending = new Map<string, Promise<ListWatcher<Cached>>>();
  private readonly synced: { kind: ListKind; watcher: ListWatcher<Cached> }[] = [];
  private namespaces: ListWatcher<Cached> | null = null;
  private readonly listeners = new Set<StoreChangeListener>();
  private stopped = false;
  private listing: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KubeClient,
    private readonly kc: KubeConfig,
    private readonly log: Logger,
  ) {}

  /** Called with a store id whenever something that store owns changes (after the first sync). */
  onStoreChanged(listener: StoreChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): WatchStats & { watchers: number } {
    const total = { lists: 0, watches: 0, relists: 0, events: 0, bookmarks: 0 };
    for (const { watcher } of this.synced) {
      for (const k of Object.keys(total) as (keyof WatchStats)[]) total[k] += watcher.stats[k];
    }
    return { ...total, watchers: this.synced.length };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.synced.map(({ watcher }) => watcher.stop()));
  }

  /**
   * The snapshot's list calls, answered from the cache: for every managed
   * namespace, or for `namespaces` only (a batch of a few stores then costs
   * what those stores hold, not what the cluster holds).
   */
  source(namespaces: readonly string[] | null = null): SnapshotSource {
    return new CacheView(this, namespaces);
  }

  /** Cached objects of one list, optionally only those in `namespaces`. */
  async items<T>(
    kind: ListKind,
    query: { labelSelector?: string; fieldSelector?: string },
    namespaces: readonly string[] | null,
  ): Promise<T[]> {
    const watcher = await this.watcher(kind, query);
    const items = namespaces
      ? watcher.valuesIn(namespaces, kind === "namespaces")
      : watcher.values();
    return items as T[];
  }

  /** The watcher for one kind + selectors, started (listed) on first use. */
  private watcher(
    kind: ListKind,
    query: { labelSelector?: string; fieldSelector?: string },
  ): Promise<ListWatcher<Cached>> {
    if (this.stopped) return Promise.reject(new Error("cluster cache stopped"));
    const id = `${kind}?${query.labelSelector ?? ""}&${query.fieldSelector ?? ""}`;
    const existing = this.pending.get(id);
    if (existing) return existing;
    const watcher = new ListWatcher<Cached>(
      this.kc,
      {
        name: id,
        path: WATCH_PATHS[kind],
        ...query,
        accept: kind === "secrets" ? METADATA_ONLY_WATCH : undefined,
        list: () => this.client.listPage(kind, query),
        transform: (kind === "secrets" ? toSecretMeta : stripBulk) as (raw: unknown) => Cached,
      },
      this.log,
    );
    // First lists run one at a time: each holds its whole answer (text, parsed
    // models, cached copies) for a moment, and twelve at once at 10,000 stores
    // would add those moments up.
    const listed = this.listing.then(() => watcher.start());
    this.listing = listed.catch(() => undefined);
    const started = listed.then(() => {
      if (this.stopped) {
        void watcher.stop();
        throw new Error("cluster cache stopped");
      }
      this.synced.push({ kind, watcher });
      if (kind === "namespaces") this.namespaces = watcher;
      if (!SILENT_KINDS.has(kind)) {
        watcher.onChange((_type, value, previous) => this.changed(kind, value, previous));
      }
      return watcher;
    });
    // A failed first list is the snapshot's error; the next snapshot tries again.
    started.catch(() => this.pending.delete(id));
    this.pending.set(id, started);
    return started;
  }

  private changed(kind: ListKind, value: Cached, previous: Cached | undefined): void {
    const storeId = this.storeOf(kind, value) ?? (previous && this.storeOf(kind, previous));
    if (!storeId) return;
    for (const l of this.listeners) l(storeId);
  }

  private storeOf(kind: ListKind, o: Cached): string | undefined {
    const { namespace, name, labels } = metaOf(o);
    const own = labels[LABELS.storeId];
    if (own) return own;
    const ns = kind === "namespaces" ? name : namespace;
    const nsObject = this.namespaces?.get("", ns);
    return nsObject ? metaOf(nsObject).labels[LABELS.storeId] : undefined;
  }
}

/** SnapshotSource over the cache, for all managed namespaces or a few. */
class CacheView implements SnapshotSource {
  constructor(
    private readonly cache: ClusterCache,
    private readonly namespaces: readonly string[] | null,
  ) {}

  private scope(namespace: string | undefined): readonly string[] | null {
    return namespace ? [namespace] : this.namespaces;
  }

  listNamespaces(labelSelector: string): Promise<V1Namespace[]> {
    return this.cache.items("namespaces", { labelSelector }, this.namespaces);
  }
  listResourceQuotas(labelSelector: string): Promise<V1ResourceQuota[]> {
    return this.cache.items("resourcequotas", { labelSelector }, this.namespaces);
  }
  listLimitRanges(labelSelector: string): Promise<V1LimitRange[]> {
    return this.cache.items("limitranges", { labelSelector }, this.namespaces);
  }
  listNetworkPolicies(labelSelector: string): Promise<V1NetworkPolicy[]> {
    return this.cache.items("networkpolicies", { labelSelector }, this.namespaces);
  }
  listSecretMetadata(labelSelector: string, namespace?: string): Promise<SecretMeta[]> {
    return this.cache.items("secrets", { labelSelector }, this.scope(namespace));
  }
  listDeployments(labelSelector: string | undefined, namespace?: string): Promise<V1Deployment[]> {
    return this.cache.items("deployments", { labelSelector }, this.scope(namespace));
  }
  listStatefulSets(
    labelSelector: string | undefined,
    namespace?: string,
  ): Promise<V1StatefulSet[]> {
    return this.cache.items("statefulsets", { labelSelector }, this.scope(namespace));
  }
  listJobs(labelSelector: string | undefined, namespace?: string): Promise<V1Job[]> {
    return this.cache.items("jobs", { labelSelector }, this.scope(namespace));
  }
  listPods(labelSelector: string | undefined, namespace?: string): Promise<V1Pod[]> {
    return this.cache.items("pods", { labelSelector }, this.scope(namespace));
  }
  listPvcs(
    labelSelector: string | undefined,
    namespace?: string,
  ): Promise<V1PersistentVolumeClaim[]> {
    return this.cache.items("persistentvolumeclaims", { labelSelector }, this.scope(namespace));
  }
  listWarningEvents(namespace?: string): Promise<CoreV1Event[]> {
    return this.cache.items("events", { fieldSelector: WARNING_EVENTS }, this.scope(namespace));
  }
}
