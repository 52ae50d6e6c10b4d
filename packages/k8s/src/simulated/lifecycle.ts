// Deletion as Kubernetes does it: the garbage collector removes what an
// owner owned, objects with finalizers get a deletionTimestamp and stay until
// the finalizer goes, and a deleted namespace stays Terminating until its
// namespace controller has emptied it, reporting what is left in its status
// conditions (pkg/controller/namespace/deletion/namespaced_resources_deleter.go).
import type { Faults } from "./faults.ts";
import type { ObjectAccess, ObjectStore, SimObject } from "./object-store.ts";

const KIND_RESOURCE: Record<string, string> = {
  PersistentVolumeClaim: "persistentvolumeclaims",
  Pod: "pods",
};

/**
 * Deletes one object. A PVC keeps its protection finalizer while the
 * namespace's termination is held (a fault standing in for a volume still in
 * use or a stuck storage driver), so it stays, Terminating.
 */
export function removeObject(store: ObjectAccess, faults: Faults, o: SimObject, now: number): void {
  const namespace = o.metadata.namespace as string;
  if (
    o.kind === "PersistentVolumeClaim" &&
    o.metadata.finalizers?.length &&
    faults.heldTermination.has(namespace)
  ) {
    if (!o.metadata.deletionTimestamp)
      store.put({
        ...o,
        metadata: { ...o.metadata, deletionTimestamp: new Date(now).toISOString() },
      });
    return;
  }
  store.delete(o.kind, namespace, o.metadata.name);
  // Garbage collection of what this object owned (background propagation).
  for (const kind of ["Pod", "PersistentVolumeClaim"]) {
    for (const child of store.list(kind, { namespace })) {
      const ref = child.metadata.ownerReferences?.[0];
      const ownerName =
        ref?.kind === "ReplicaSet" ? ref.name.slice(0, ref.name.lastIndexOf("-")) : ref?.name;
      const ownerKind = ref?.kind === "ReplicaSet" ? "Deployment" : ref?.kind;
      if (ownerKind === o.kind && ownerName === o.metadata.name)
        removeObject(store, faults, child, now);
    }
  }
}

/** `kubectl delete namespace`: Terminating at once, emptied later by settleNamespace. */
export function markTerminating(store: ObjectStore, name: string, now: number): boolean {
  const ns = store.get("Namespace", undefined, name);
  if (!ns || ns.metadata.deletionTimestamp) return false;
  store.put({
    ...ns,
    metadata: { ...ns.metadata, deletionTimestamp: new Date(now).toISOString() },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Terminating" },
  });
  return true;
}

/**
 * The namespace controller's pass over a Terminating namespace, once
 * `terminationMs` have passed: delete everything, then remove the namespace
 * when nothing is left, or report what remains. True when the namespace is gone.
 */
export function settleNamespace(
  store: ObjectStore,
  faults: Faults,
  name: string,
  now: number,
  terminationMs: number,
): boolean {
  const ns = store.get("Namespace", undefined, name);
  if (!ns) return true;
  if (now - Date.parse(ns.metadata.deletionTimestamp as string) < terminationMs) return false;
  for (const o of store.contentsOf(name)) {
    if (o.metadata.deletionTimestamp && faults.heldTermination.has(name)) continue;
    removeObject(store, faults, o, now);
  }
  const left = store.contentsOf(name);
  if (left.length === 0) {
    store.delete("Namespace", undefined, name);
    return true;
  }
  const byResource = new Map<string, number>();
  const byFinalizer = new Map<string, number>();
  for (const o of left) {
    const resource = KIND_RESOURCE[o.kind] ?? `${o.kind.toLowerCase()}s`;
    byResource.set(resource, (byResource.get(resource) ?? 0) + 1);
    for (const f of o.metadata.finalizers ?? []) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
  }
  const conditions = [
    {
      type: "NamespaceContentRemaining",
      status: "True",
      reason: "SomeResourcesRemain",
      message: `Some resources are remaining: ${[...byResource].map(([r, n]) => `${r}. has ${n} resource instances`).join(", ")}`,
    },
    {
      type: "NamespaceFinalizersRemaining",
      status: byFinalizer.size > 0 ? "True" : "False",
      reason: byFinalizer.size > 0 ? "SomeFinalizersRemain" : "ContentHasNoFinalizers",
      message:
        byFinalizer.size > 0
          ? `Some content in the namespace has finalizers remaining: ${[...byFinalizer].map(([f, n]) => `${f} in ${n} resource instances`).join(", ")}`
          : "All content-preserving finalizers finished",
    },
  ];
  const status = { phase: "Terminating", conditions };
  if (JSON.stringify(ns.status) !== JSON.stringify(status)) store.put({ ...ns, status });
  return false;
}

/** A held PVC whose hold was lifted loses its finalizer and goes. */
export function releaseHeld(store: ObjectAccess, namespace: string): void {
  for (const pvc of store.list("PersistentVolumeClaim", { namespace }))
    if (pvc.metadata.deletionTimestamp)
      store.delete("PersistentVolumeClaim", namespace, pvc.metadata.name);
}
