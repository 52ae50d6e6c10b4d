import { describe, expect, it } from "vitest";
import type { SnapshotSource } from "../observe/build-snapshot.ts";
import { RecentWrites, withFreshNamespaces } from "./fresh-reads.ts";

// A source whose every list answers one pod per namespace, tagged with where it came from.
function source(tag: string, namespaces: string[], calls: string[]): SnapshotSource {
  const pods = (ns?: string) => {
    calls.push(`${tag}:pods:${ns ?? "*"}`);
    const names = ns ? [ns] : namespaces;
    return Promise.resolve(names.map((n) => ({ metadata: { namespace: n, name: tag } })));
  };
  const none = () => Promise.resolve([]);
  return {
    listNamespaces: none,
    listResourceQuotas: none,
    listLimitRanges: none,
    listNetworkPolicies: none,
    listSecretMetadata: (_s, ns) => {
      calls.push(`${tag}:secrets:${ns ?? "*"}`);
      const names = ns ? [ns] : namespaces;
      return Promise.resolve(names.map((n) => ({ name: tag, namespace: n, labels: {} })));
    },
    listDeployments: none,
    listStatefulSets: none,
    listJobs: none,
    listPods: (_s, ns) => pods(ns) as never,
    listPvcs: none,
    listWarningEvents: none,
  } as SnapshotSource;
}

describe("read-your-own-writes over the watch cache", () => {
  it("remembers a written namespace for the window only, and only within the scope asked for", () => {
    let now = 1_000;
    const recent = new RecentWrites(10_000, () => now);
    recent.wrote("store-a");
    now += 5_000;
    recent.wrote("store-b");
    expect([...recent.within(null)]).toEqual(["store-a", "store-b"]);
    expect([...recent.within(["store-b", "store-c"])]).toEqual(["store-b"]);
    now += 6_000;
    expect([...recent.within(null)]).toEqual(["store-b"]);
  });

  it("reads written namespaces live and every other one from the cache; nothing written means the cache alone", async () => {
    const calls: string[] = [];
    const cache = source("cache", ["store-a", "store-b", "store-c"], calls);
    const live = source("live", ["store-a", "store-b", "store-c"], calls);
    const view = withFreshNamespaces(cache, live, new Set(["store-b"]));
    const pods = await view.listPods(undefined);
    expect(pods.map((p) => `${p.metadata?.namespace}:${p.metadata?.name}`).sort()).toEqual([
      "store-a:cache",
      "store-b:live",
      "store-c:cache",
    ]);
    const secrets = await view.listSecretMetadata("owner=helm");
    expect(secrets.map((s) => `${s.namespace}:${s.name}`).sort()).toEqual([
      "store-a:cache",
      "store-b:live",
      "store-c:cache",
    ]);
    expect(calls).toContain("live:pods:store-b");
    expect(calls).not.toContain("live:pods:*");

    calls.length = 0;
    expect(withFreshNamespaces(cache, live, new Set())).toBe(cache);
    await withFreshNamespaces(cache, live, new Set()).listPods(undefined);
    expect(calls).toEqual(["cache:pods:*"]);
  });
});
