// Read-your-own-writes for the watch cache. A watch event arrives some time
// after the write it reports, so a snapshot taken right after the controller
// installed a release could still see no release Secret in the cache and plan
// the install again (the fakeapi lifecycle suite caught exactly that: two helm
// installs for one store). controller-runtime accepts such stale reads and
// relies on idempotent writes; a second `helm upgrade --install` is not free
// (a new revision, a rollout), so here a namespace this process wrote to in
// the last FRESH_READ_MS is read from the API server itself, with namespaced
// lists, while every other namespace comes from the cache. A steady sweep
// writes nothing, so it still makes no list call.
//
// Only the namespaced lists a pass acts on are read fresh: release Secrets,
// managed Secrets and workloads. Namespaces, quotas, limit ranges and network
// policies stay cached: they are applied server-side (idempotent), so a stale
// read costs at most one no-op apply.
import type { SnapshotSource } from "../observe/build-snapshot.ts";

export const FRESH_READ_MS = 15_000;

/** Namespaces this process wrote to, and when. */
export class RecentWrites {
  private readonly at = new Map<string, number>();
  constructor(
    private readonly windowMs = FRESH_READ_MS,
    private readonly now: () => number = Date.now,
  ) {}

  wrote(namespace: string): void {
    this.at.set(namespace, this.now());
  }

  /** The namespaces written within the window, among `scope` (all when null). */
  within(scope: readonly string[] | null): Set<string> {
    const cutoff = this.now() - this.windowMs;
    for (const [ns, t] of this.at) if (t < cutoff) this.at.delete(ns);
    const names = scope ? scope.filter((ns) => this.at.has(ns)) : [...this.at.keys()];
    return new Set(names);
  }
}

type Namespaced<T> = (namespace?: string) => Promise<T[]>;

/** Client-node objects carry it in metadata; SecretMeta (metadata-only reads) at the top. */
function namespaceOf(o: unknown): string {
  const obj = o as { namespace?: string; metadata?: { namespace?: string } };
  return obj.namespace ?? obj.metadata?.namespace ?? "";
}

/** `cached` for every namespace but `fresh`, which are read from `live`. */
export function withFreshNamespaces(
  cached: SnapshotSource,
  live: SnapshotSource,
  fresh: ReadonlySet<string>,
): SnapshotSource {
  if (fresh.size === 0) return cached;
  const merge =
    <T>(fromCache: Namespaced<T>, fromLive: Namespaced<T>): Namespaced<T> =>
    async (namespace) => {
      if (namespace) return fresh.has(namespace) ? fromLive(namespace) : fromCache(namespace);
      const [rest, ...written] = await Promise.all([
        fromCache().then((items) => items.filter((o) => !fresh.has(namespaceOf(o)))),
        ...[...fresh].map((ns) => fromLive(ns)),
      ]);
      return [...(rest ?? []), ...written.flat()];
    };
  return {
    listNamespaces: (selector) => cached.listNamespaces(selector),
    listResourceQuotas: (selector) => cached.listResourceQuotas(selector),
    listLimitRanges: (selector) => cached.listLimitRanges(selector),
    listNetworkPolicies: (selector) => cached.listNetworkPolicies(selector),
    listSecretMetadata: (selector, namespace) =>
      merge(
        (ns) => cached.listSecretMetadata(selector, ns),
        (ns) => live.listSecretMetadata(selector, ns),
      )(namespace),
    listDeployments: (selector, namespace) =>
      merge(
        (ns) => cached.listDeployments(selector, ns),
        (ns) => live.listDeployments(selector, ns),
      )(namespace),
    listStatefulSets: (selector, namespace) =>
      merge(
        (ns) => cached.listStatefulSets(selector, ns),
        (ns) => live.listStatefulSets(selector, ns),
      )(namespace),
    listJobs: (selector, namespace) =>
      merge(
        (ns) => cached.listJobs(selector, ns),
        (ns) => live.listJobs(selector, ns),
      )(namespace),
    listPods: (selector, namespace) =>
      merge(
        (ns) => cached.listPods(selector, ns),
        (ns) => live.listPods(selector, ns),
      )(namespace),
    listPvcs: (selector, namespace) =>
      merge(
        (ns) => cached.listPvcs(selector, ns),
        (ns) => live.listPvcs(selector, ns),
      )(namespace),
    listWarningEvents: (namespace) =>
      merge(
        (ns) => cached.listWarningEvents(ns),
        (ns) => live.listWarningEvents(ns),
      )(namespace),
  };
}
