// TEST TOOL — namespace lifecycle as the API server and its namespace
// controller run it:
// - creating anything in a namespace that does not exist is 404 NotFound, and
//   in a namespace being deleted 403 Forbidden with the NamespaceTerminating
//   cause (the NamespaceLifecycle admission plugin,
//   plugin/pkg/admission/namespace/lifecycle/admission.go);
// - DELETE of a namespace only marks it: deletionTimestamp set, status.phase
//   Terminating (pkg/registry/core/namespace/storage/storage.go); a second
//   DELETE is 409 "The system is ensuring all content is removed…";
// - the namespace controller then deletes its contents, asynchronously, and
//   removes the namespace only once nothing is left (an object with
//   finalizers stays, marked, until its finalizers are removed)
//   (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/,
//   pkg/controller/namespace/deletion/namespaced_resources_deleter.go).
import { typeOfResource } from "./fake-api-routes.ts";
import { conflict, forbidden, type GroupResource, notFound } from "./fake-api-status.ts";
import type { KubeObj, ObjectStore } from "./fake-api-store.ts";

const NAMESPACES = typeOfResource("", "namespaces");
if (!NAMESPACES) throw new Error("fake api: namespaces type missing");
const NS = NAMESPACES;
const NS_GR: GroupResource = { group: "", resource: "namespaces" };

export const NAMESPACE_CONTENT_REMOVAL =
  "The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.";

const timestamp = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

export class NamespaceLifecycle {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  /** deletionDelayMs: how long the namespace controller waits before it sweeps contents. */
  constructor(
    private readonly store: ObjectStore,
    public deletionDelayMs = 0,
  ) {
    // Each deletion inside a terminating namespace may be the last one it waited for.
    store.onChange((change) => {
      const ns = change.object.metadata.namespace;
      if (change.type === "DELETED" && change.resource.namespaced && ns) this.finishIfEmpty(ns);
    });
  }

  /** Admission for a create (POST, or an apply that creates) in `namespace`. */
  admitCreate(gr: GroupResource, namespace: string | undefined, name: string): void {
    if (!namespace) return;
    const ns = this.store.get(NS, undefined, namespace);
    if (!ns) throw notFound(NS_GR, namespace);
    if (ns.metadata.deletionTimestamp)
      throw forbidden(
        gr,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            type: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      );
  }

  /** A new Namespace as the API server stores it: phase Active, the kubernetes finalizer. */
  prepareCreate(obj: KubeObj): KubeObj {
    const spec = (obj.spec ?? {}) as Record<string, unknown>;
    return {
      ...obj,
      spec: { ...spec, finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    };
  }

  /** DELETE /api/v1/namespaces/<name>: mark Terminating, sweep later. */
  beginDeletion(name: string): KubeObj {
    const ns = this.store.get(NS, undefined, name);
    if (!ns) throw notFound(NS_GR, name);
    if (ns.metadata.deletionTimestamp) throw conflict(NS_GR, name, NAMESPACE_CONTENT_REMOVAL);
    const marked = this.store.commit("MODIFIED", NS, {
      ...ns,
      metadata: { ...ns.metadata, deletionTimestamp: timestamp() },
      status: { ...((ns.status ?? {}) as object), phase: "Terminating" },
    });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.sweep(name);
    }, this.deletionDelayMs);
    this.timers.add(timer);
    return marked;
  }

  /** Run the namespace controller's sweep now (a test that held it with a long delay). */
  beginDeletionSweepNow(name: string): void {
    this.sweep(name);
  }

  /** Resolves once the namespace is gone from the store (now, if it already is). */
  whenGone(name: string): Promise<void> {
    if (!this.store.get(NS, undefined, name)) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.store.onChange((c) => {
        if (c.type === "DELETED" && c.resource === NS && c.object.metadata.name === name) {
          off();
          resolve();
        }
      });
    });
  }

  /** Stop pending sweeps (server close / reset). */
  cancel(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private sweep(name: string): void {
    for (const { resource, object } of this.store.contentsOf(name)) {
      if (object.metadata.finalizers?.length) {
        if (!object.metadata.deletionTimestamp)
          this.store.commit("MODIFIED", resource, {
            ...object,
            metadata: { ...object.metadata, deletionTimestamp: timestamp() },
          });
      } else {
        this.store.commit("DELETED", resource, object);
      }
    }
    this.finishIfEmpty(name);
  }

  private finishIfEmpty(name: string): void {
    const ns = this.store.get(NS, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    if (this.store.contentsOf(name).length > 0) return;
    this.store.commit("DELETED", NS, ns);
  }
}
