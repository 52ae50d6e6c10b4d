// Level: unit. The controller's Kubernetes permissions are written down once
// (controllerPolicyRules in @storeplane/k8s/rbac, kept by packages/k8s); this
// checks that they cover every API call the real Cluster makes for each
// method the controller uses. The platform chart's ClusterRole is compared
// with the same list in charts/.
import type { Cluster } from "@storeplane/k8s";
import { allows, controllerPolicyRules } from "@storeplane/k8s/rbac";
import { describe, expect, it } from "vitest";

type Need = [apiGroup: string, resource: string, verb: string];

// Read from packages/k8s/src/kube-cluster.ts and client/kube-client.ts: the
// API calls behind each Cluster method (helm's own needs included for the
// methods that run it).
const HELM_RELEASE_STORAGE: Need[] = [
  ["", "secrets", "get"],
  ["", "secrets", "list"],
  ["", "secrets", "create"],
  ["", "secrets", "update"],
  ["", "secrets", "delete"],
];
const HELM_CHART_OBJECTS: Need[] = [
  ["apps", "deployments", "create"],
  ["apps", "deployments", "patch"],
  ["apps", "deployments", "delete"],
  ["apps", "statefulsets", "create"],
  ["apps", "statefulsets", "patch"],
  ["apps", "statefulsets", "delete"],
  ["batch", "jobs", "create"],
  ["batch", "jobs", "delete"],
  ["batch", "jobs", "watch"],
  ["", "services", "create"],
  ["", "services", "delete"],
  ["", "configmaps", "create"],
  ["", "persistentvolumeclaims", "create"],
  ["networking.k8s.io", "ingresses", "create"],
  ["networking.k8s.io", "ingresses", "delete"],
];

const SNAPSHOT_READS: Need[] = (
  [
    ["", "namespaces"],
    ["", "resourcequotas"],
    ["", "limitranges"],
    ["networking.k8s.io", "networkpolicies"],
    ["", "secrets"],
    ["apps", "deployments"],
    ["apps", "statefulsets"],
    ["batch", "jobs"],
    ["", "pods"],
    ["", "persistentvolumeclaims"],
    ["", "events"],
  ] as [string, string][]
).flatMap(([g, r]): Need[] => [
  [g, r, "list"],
  [g, r, "watch"],
]);

const NEEDS: Record<Exclude<keyof Cluster, "mode" | "info">, Need[]> = {
  // The watch cache lists each kind once, then watches it.
  snapshot: SNAPSHOT_READS,
  onStoreChanged: SNAPSHOT_READS,
  close: [],
  ensureNamespace: [
    ["", "namespaces", "create"],
    ["", "namespaces", "get"],
    ["", "namespaces", "patch"],
  ],
  applyObjects: [
    ["", "resourcequotas", "patch"],
    ["", "resourcequotas", "create"],
    ["", "limitranges", "patch"],
    ["", "limitranges", "create"],
    ["networking.k8s.io", "networkpolicies", "patch"],
    ["networking.k8s.io", "networkpolicies", "create"],
  ],
  ensureSecret: [
    ["", "secrets", "create"],
    ["", "secrets", "get"],
  ],
  readSecret: [["", "secrets", "get"]],
  // KubeClient.copySecret: read the source, server-side apply the copy.
  copySecret: [
    ["", "secrets", "get"],
    ["", "secrets", "patch"],
  ],
  installRelease: [...HELM_RELEASE_STORAGE, ...HELM_CHART_OBJECTS],
  unlockRelease: [...HELM_RELEASE_STORAGE, ...HELM_CHART_OBJECTS],
  uninstallRelease: [...HELM_RELEASE_STORAGE, ...HELM_CHART_OBJECTS],
  deleteNamespace: [["", "namespaces", "delete"]],
};

describe("controller RBAC needs", () => {
  it("are declared", () => {
    expect(controllerPolicyRules.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(NEEDS))("cover every API call behind Cluster.%s", (_method, needs) => {
    const missing = needs.filter(([g, r, v]) => !allows(controllerPolicyRules, g, r, v));
    expect(missing).toEqual([]);
  });

  it("grant nothing cluster-wide beyond what the controller uses (no wildcards)", () => {
    for (const rule of controllerPolicyRules) {
      expect(rule.verbs).not.toContain("*");
      expect(rule.resources).not.toContain("*");
      expect(rule.apiGroups).not.toContain("*");
    }
  });
});
