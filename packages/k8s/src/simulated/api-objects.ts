// The API calls behind the Cluster methods that do not run helm, answered as
// the API server answers the real client's requests (KubeClient): create a
// namespace with the platform's labels or add missing ones, server-side apply
// of guardrails, create-once Secrets whose data is stored base64 like
// stringData becomes data, and the admission refusals (namespace not found,
// NamespaceLifecycle's "being terminated").
import { KubeError } from "../client/errors.ts";
import { storeNamespaceLabels } from "../client/namespace-labels.ts";
import type { KubeObject } from "../cluster.ts";
import { LABELS, PLATFORM_NAME } from "../store-contract.ts";
import type { ObjectStore, SimObject } from "./object-store.ts";

// The kinds the platform client applies (KubeClient.apply); others are refused the same way.
const APPLIABLE = new Set([
  "v1/ResourceQuota",
  "v1/LimitRange",
  "networking.k8s.io/v1/NetworkPolicy",
  // A backup's Job and its object-store credentials (Cluster.applyObjects).
  "batch/v1/Job",
  "v1/Secret",
]);

/** The API server folds a Secret's stringData into data (base64) and never stores stringData. */
function foldStringData(obj: SimObject): SimObject {
  if (obj.kind !== "Secret" || !obj.stringData) return obj;
  const { stringData, ...rest } = obj;
  const folded = Object.fromEntries(
    Object.entries(stringData as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, "utf8").toString("base64"),
    ]),
  );
  return { ...rest, data: { ...((rest.data as Record<string, string>) ?? {}), ...folded } };
}

export const namespaceNotFound = (what: string, name: string) =>
  new KubeError("NotFound", `${what}: NotFound: namespaces "${name}" not found`, {
    status: 404,
    reason: "NotFound",
  });

/** As KubeClient.ensureNamespace: create with the platform labels, else add the missing ones. */
export function ensureNamespace(
  store: ObjectStore,
  name: string,
  extra: Record<string, string>,
): void {
  const labels = storeNamespaceLabels(extra);
  const ns = store.get("Namespace", undefined, name);
  if (!ns) {
    store.put({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
  } else if (Object.entries(labels).some(([k, v]) => ns.metadata.labels?.[k] !== v)) {
    store.put({
      ...ns,
      metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, ...labels } },
    });
  }
}

function writableNamespace(store: ObjectStore, name: string, what: string): void {
  const ns = store.get("Namespace", undefined, name);
  if (!ns) throw namespaceNotFound(what, name);
  // The NamespaceLifecycle admission plugin's refusal.
  if (ns.metadata.deletionTimestamp)
    throw new KubeError(
      "Forbidden",
      `${what}: Forbidden: unable to create new content in namespace ${name} because it is being terminated`,
      // The real answer carries the cause NamespaceTerminating, which makes it
      // transient (see toKubeError in client/errors.ts).
      { status: 403, reason: "Forbidden", errorClass: "transient" },
    );
}

/** The object without what the server sets, for "did this apply change anything". */
function userFields(o: SimObject): unknown {
  const { uid, resourceVersion, creationTimestamp, ...metadata } = o.metadata;
  const { status, ...rest } = o;
  return { ...rest, metadata };
}

/**
 * Server-side apply with force by the one field manager that owns these
 * objects: the object becomes what was applied (status kept). An apply that
 * changes nothing writes nothing and keeps its resourceVersion, as on the API server.
 */
export function applyObjects(store: ObjectStore, namespace: string, objects: KubeObject[]): void {
  for (const obj of objects) {
    const what = `apply ${obj.kind} ${namespace}/${obj.metadata.name}`;
    if (obj.metadata.namespace && obj.metadata.namespace !== namespace)
      throw new Error(
        `${obj.kind}/${obj.metadata.name} belongs to ${obj.metadata.namespace}, not ${namespace}`,
      );
    if (!APPLIABLE.has(`${obj.apiVersion}/${obj.kind}`))
      throw new KubeError("Invalid", `${what}: kind not supported by the platform client`);
    writableNamespace(store, namespace, what);
    const existing = store.get(obj.kind, namespace, obj.metadata.name);
    const desired = foldStringData(
      structuredClone({ ...obj, metadata: { ...obj.metadata, namespace } }) as SimObject,
    );
    if (existing && JSON.stringify(userFields(existing)) === JSON.stringify(userFields(desired)))
      continue;
    store.put(existing?.status ? { ...desired, status: existing.status } : desired);
  }
}

/** Create once (AlreadyExists leaves it untouched); labelled managed-by like KubeClient.createSecretOnce. */
export function createSecretOnce(
  store: ObjectStore,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  generate: () => Record<string, string>,
): { created: boolean } {
  const what = `create secret ${namespace}/${name}`;
  if (!store.get("Namespace", undefined, namespace)) throw namespaceNotFound(what, namespace);
  if (store.get("Secret", namespace, name)) return { created: false };
  writableNamespace(store, namespace, what);
  const data = Object.fromEntries(
    Object.entries(generate()).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")]),
  );
  store.put({
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name, namespace, labels: { ...labels, [LABELS.managedBy]: PLATFORM_NAME } },
    data,
  });
  return { created: true };
}

/** A copy of another namespace's Secret (type and data kept), as the real client's copySecret writes it. */
export function copySecretInto(
  store: ObjectStore,
  from: { namespace: string; name: string },
  toNamespace: string,
  labels: Record<string, string>,
): void {
  const what = `copy secret ${from.namespace}/${from.name} to ${toNamespace}`;
  const source = store.get("Secret", from.namespace, from.name);
  // As the real client: a missing source is NotFound, named, without its data.
  if (!source)
    throw new KubeError("NotFound", `Secret ${from.namespace}/${from.name} does not exist`, {
      status: 404,
    });
  if (!store.get("Namespace", undefined, toNamespace)) throw namespaceNotFound(what, toNamespace);
  writableNamespace(store, toNamespace, what);
  store.put({
    apiVersion: "v1",
    kind: "Secret",
    type: (source as { type?: string }).type ?? "Opaque",
    metadata: {
      name: from.name,
      namespace: toNamespace,
      labels: { ...labels, [LABELS.managedBy]: PLATFORM_NAME },
    },
    data: { ...((source.data ?? {}) as Record<string, string>) },
  });
}

export function secretData(
  store: ObjectStore,
  namespace: string,
  name: string,
): Record<string, string> | null {
  const secret = store.get("Secret", namespace, name);
  if (!secret) return null;
  return Object.fromEntries(
    Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, "base64").toString("utf8"),
    ]),
  );
}

/** A Job and, as background propagation does, the pods it owns. */
export function deleteJobAndPods(
  store: ObjectStore,
  namespace: string,
  name: string,
): { deleted: boolean } {
  const job = store.get("Job", namespace, name);
  if (!job) return { deleted: false };
  for (const pod of store.list("Pod", { namespace })) {
    const owners = (pod.metadata.ownerReferences ?? []) as Array<{ uid?: string }>;
    if (owners.some((o) => o.uid === job.metadata.uid))
      store.delete("Pod", namespace, pod.metadata.name);
  }
  store.delete("Job", namespace, name);
  return { deleted: true };
}

/**
 * As the scale subresource (KubeClient.scaleWorkload): only spec.replicas
 * changes; the simulated workload controllers then remove or start the pods.
 */
export function scaleWorkloadIn(
  store: ObjectStore,
  namespace: string,
  kind: "Deployment" | "StatefulSet",
  name: string,
  replicas: number,
): { previousReplicas: number } {
  const workload = store.get(kind, namespace, name);
  if (!workload) {
    const resource = kind === "Deployment" ? "deployments" : "statefulsets";
    throw new KubeError(
      "NotFound",
      `scale ${kind} ${namespace}/${name}: NotFound: ${resource}.apps "${name}" not found`,
      { status: 404, reason: "NotFound" },
    );
  }
  const spec = (workload.spec ?? {}) as { replicas?: number };
  const previousReplicas = spec.replicas ?? 1;
  if (previousReplicas !== replicas) store.put({ ...workload, spec: { ...spec, replicas } });
  return { previousReplicas };
}
