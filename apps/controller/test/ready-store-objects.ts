// TEST AND BENCHMARK TOOL — the objects a Ready store has in a real cluster,
// for seeding the fake API server without running helm: the namespace and
// guardrails as the controller applies them, its credentials Secret, Helm's
// release Secret (deployed, with the values digest the controller expects)
// and what the engine chart leaves running (web Deployment, database
// StatefulSet with its pod and PVC, a completed setup Job). Built from the
// controller's own desiredStore, so a store seeded here reads as Ready and
// in step, and a steady sweep over it has nothing to do.
import { LABELS, STORE_SECRET_KEYS } from "@storeplane/k8s";
import type { DesiredStore } from "../src/desired.ts";

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

export function readyStoreObjects(desired: DesiredStore, storeId: string): Obj[] {
  const ns = desired.namespace;
  const owned = { [LABELS.storeId]: storeId, "app.kubernetes.io/managed-by": "Helm" };
  const at = "2026-12-01T00:00:00Z";
  const ready = (name: string, kind: "Deployment" | "StatefulSet"): Obj => ({
    apiVersion: "apps/v1",
    kind,
    metadata: { name, namespace: ns, labels: { ...owned, "app.kubernetes.io/name": name } },
    spec: { replicas: 1, selector: { matchLabels: { "app.kubernetes.io/name": name } } },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 },
  });
  const pod = (name: string, owner: string, image: string): Obj => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: ns,
      labels: { ...owned, "app.kubernetes.io/name": owner },
      creationTimestamp: at,
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "StatefulSet",
          name: owner,
          uid: `${storeId}-${owner}`,
          controller: true,
        },
      ],
    },
    spec: { containers: [{ name: owner, image }] },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [
        {
          name: owner,
          image,
          imageID: "",
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: at } },
        },
      ],
    },
  });
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: desired.namespaceLabels },
      status: { phase: "Active" },
    },
    ...desired.guardrails.map((g) => ({ ...g, metadata: { ...g.metadata, namespace: ns } }) as Obj),
    {
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: { name: desired.secretName, namespace: ns, labels: desired.secretLabels },
      data: { [STORE_SECRET_KEYS.adminPassword]: Buffer.from(`pw-${storeId}`).toString("base64") },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      type: "helm.sh/release.v1",
      metadata: {
        name: `sh.helm.release.v1.${desired.release.release}.v1`,
        namespace: ns,
        labels: {
          owner: "helm",
          name: desired.release.release,
          status: "deployed",
          version: "1",
          [LABELS.valuesDigest]: desired.release.valuesDigest,
        },
      },
      // Helm's gzipped release record; the controller never reads it.
      data: { release: Buffer.from(`release-record-${storeId}`).toString("base64") },
    },
    // The WooCommerce chart's workloads (its storeplane.io/workloads): a store missing one is reinstalled.
    ready("store-wordpress", "Deployment"),
    ready("store-mariadb", "StatefulSet"),
    pod("store-mariadb-0", "store-mariadb", "mariadb:11.4"),
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data-store-mariadb-0", namespace: ns, labels: owned },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      status: { phase: "Bound" },
    },
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "setup", namespace: ns, labels: owned },
      status: {
        succeeded: 1,
        completionTime: at,
        conditions: [{ type: "Complete", status: "True", lastTransitionTime: at }],
      },
    },
  ];
}
