// Level: unit (grouping of already-listed objects).
import { describe, expect, it } from "vitest";
import { buildSnapshot, releasesFromHelmSecrets, type SnapshotLists } from "./build-snapshot.ts";

const helm = (ns: string, name: string, version: number, status: string, digest?: string) => ({
  name: `sh.helm.release.v1.${name}.v${version}`,
  namespace: ns,
  labels: {
    owner: "helm",
    name,
    status,
    version: String(version),
    ...(digest ? { "storeplane.io/values-digest": digest } : {}),
  },
});

function lists(over: Partial<SnapshotLists> = {}): SnapshotLists {
  return {
    namespaces: [],
    quotas: [],
    limitRanges: [],
    networkPolicies: [],
    managedSecrets: [],
    helmSecrets: [],
    deployments: [],
    statefulSets: [],
    jobs: [],
    pods: [],
    pvcs: [],
    events: [],
    ...over,
  };
}

describe("releasesFromHelmSecrets", () => {
  it("keeps the latest revision per release (by number, not by list order) with its own digest", () => {
    const out = releasesFromHelmSecrets([
      helm("a", "store", 10, "pending-upgrade", "new"),
      helm("a", "store", 9, "deployed", "old"),
      helm("b", "store", 1, "failed"),
    ]);
    expect(out).toEqual([
      {
        name: "store",
        namespace: "a",
        revision: 10,
        status: "pending-upgrade",
        valuesDigest: "new",
      },
      { name: "store", namespace: "b", revision: 1, status: "failed", valuesDigest: null },
    ]);
  });

  it("maps an unexpected status to unknown and skips Secrets without a version", () => {
    const out = releasesFromHelmSecrets([
      helm("a", "store", 1, "weird"),
      { name: "x", namespace: "a", labels: { owner: "helm", name: "store" } },
    ]);
    expect(out).toEqual([
      { name: "store", namespace: "a", revision: 1, status: "unknown", valuesDigest: null },
    ]);
  });
});

describe("buildSnapshot", () => {
  it("marks a namespace with a deletion timestamp Terminating and keeps its condition messages", () => {
    const snap = buildSnapshot(
      lists({
        namespaces: [
          {
            metadata: {
              name: "store-a",
              deletionTimestamp: new Date(),
              labels: { "storeplane.io/store-id": "1" },
            },
            status: {
              phase: "Terminating",
              conditions: [
                {
                  type: "NamespaceContentRemaining",
                  status: "True",
                  message:
                    "Some resources are remaining: persistentvolumeclaims. has 1 resource instances",
                },
                {
                  type: "NamespaceDeletionDiscoveryFailure",
                  status: "False",
                  message: "All resources successfully discovered",
                },
              ],
            },
          },
        ],
      }),
    );
    const ns = snap.namespaces.get("store-a");
    expect(ns?.phase).toBe("Terminating");
    expect(ns?.terminationMessages).toEqual([
      "NamespaceContentRemaining: Some resources are remaining: persistentvolumeclaims. has 1 resource instances",
    ]);
  });

  it("keeps only the 20 most recent Warning events per namespace, newest first", () => {
    const events = Array.from({ length: 30 }, (_, i) => ({
      metadata: { name: `e${i}`, namespace: "store-a" },
      involvedObject: { kind: "Pod", name: "p" },
      type: "Warning",
      reason: "FailedMount",
      message: `m${i}`,
      lastTimestamp: new Date(Date.UTC(2026, 0, 1, 0, i)),
    }));
    const snap = buildSnapshot(lists({ namespaces: [{ metadata: { name: "store-a" } }], events }));
    const got = snap.namespaces.get("store-a")?.events.map((e) => e.message);
    expect(got).toHaveLength(20);
    expect(got?.[0]).toBe("m29");
  });

  it("derives a Deployment pod's owner from its ReplicaSet name and pod-template-hash", () => {
    const snap = buildSnapshot(
      lists({
        namespaces: [{ metadata: { name: "store-a" } }],
        pods: [
          {
            metadata: {
              name: "web-5d8f-abcde",
              namespace: "store-a",
              labels: { "pod-template-hash": "5d8f" },
              ownerReferences: [
                {
                  apiVersion: "apps/v1",
                  kind: "ReplicaSet",
                  name: "web-5d8f",
                  uid: "u",
                  controller: true,
                },
              ],
            },
          },
        ],
      }),
    );
    expect(snap.namespaces.get("store-a")?.pods[0]?.owner).toBe("web");
  });
});
