// TEST TOOL — the fake API server's storage: objects by type, namespace and
// name, and one revision counter for the whole store, like etcd's revision
// that the API server hands out as metadata.resourceVersion
// (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions):
// every write moves it, and a list reports the revision it was read at.
//
// Every write of every kind (create, update, patch, apply, delete, and the
// namespace controller's own deletions) goes through `commit`, and every
// committed change is announced to `onChange` listeners: that is the one hook
// a watch implementation (or a test) needs.
import { randomUUID } from "node:crypto";
import type { ResourceType } from "./fake-api-routes.ts";

export interface KubeObj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    managedFields?: unknown[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreChange {
  type: ChangeType;
  resource: ResourceType;
  /** The object as committed (for DELETED: its last state, at the deletion's revision). */
  object: KubeObj;
}

export type ChangeListener = (change: StoreChange) => void;

const keyOf = (t: ResourceType, namespace: string | undefined, name: string) =>
  `${t.group}|${t.resource}|${t.namespaced ? (namespace ?? "") : ""}|${name}`;

export class ObjectStore {
  private rev = 0;
  private readonly objects = new Map<string, KubeObj>();
  /** The type of each stored key, to list a namespace's contents across types. */
  private readonly types = new Map<string, ResourceType>();
  private readonly listeners = new Set<ChangeListener>();

  /** The current revision (what a list reports as its resourceVersion). */
  get revision(): number {
    return this.rev;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): KubeObj | undefined {
    return this.objects.get(keyOf(t, namespace, name));
  }

  /** Objects of a type, in etcd key order (namespace, then name), optionally one namespace's. */
  list(t: ResourceType, namespace?: string): KubeObj[] {
    const prefix = `${t.group}|${t.resource}|${namespace !== undefined && t.namespaced ? `${namespace}|` : ""}`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => o);
  }

  /** Everything stored in one namespace (for namespace deletion). */
  contentsOf(namespace: string): Array<{ resource: ResourceType; object: KubeObj }> {
    return this.all().filter(
      (e) => e.resource.namespaced && e.object.metadata.namespace === namespace,
    );
  }

  private all(): Array<{ resource: ResourceType; object: KubeObj }> {
    return [...this.types.entries()].flatMap(([key, resource]) => {
      const object = this.objects.get(key);
      return object ? [{ resource, object }] : [];
    });
  }

  /**
   * THE write path. Stamps the next resourceVersion (and uid/creationTimestamp
   * on ADDED), stores or removes the object, tells every listener, and returns
   * the stored object. Callers have already validated and merged.
   */
  commit(type: ChangeType, resource: ResourceType, object: KubeObj): KubeObj {
    const stored = structuredClone(object);
    this.rev += 1;
    stored.metadata.resourceVersion = String(this.rev);
    if (type === "ADDED") {
      stored.metadata.uid ??= randomUUID();
      stored.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, "Z");
    }
    const key = keyOf(resource, stored.metadata.namespace, stored.metadata.name);
    if (type === "DELETED") {
      this.objects.delete(key);
      this.types.delete(key);
    } else {
      this.objects.set(key, stored);
      this.types.set(key, resource);
    }
    for (const fn of this.listeners) fn({ type, resource, object: structuredClone(stored) });
    return stored;
  }

  /** Subscribe to every committed change; returns the unsubscribe function. */
  onChange(fn: ChangeListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Forget every object (listeners stay; the revision keeps growing, as etcd's does). */
  clear(): void {
    this.objects.clear();
    this.types.clear();
  }
}
