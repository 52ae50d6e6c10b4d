// The simulated cluster's storage: Kubernetes objects as the API server
// keeps them (metadata.uid, resourceVersion, creationTimestamp set on write),
// indexed by namespace and kind so that a cluster-wide list of one kind
// touches only that kind, and a namespace's removal drops its index at once.
// Stored objects are replaced on every write, never mutated in place, so a
// list may hand them out without copying: readers must not mutate them.
// Every write names the namespace it changed to the change listeners, so a
// snapshot can rebuild only what changed (snapshot-cache.ts) instead of
// re-reading every object of every store.
import { randomUUID } from "node:crypto";
import { fieldMatcher, labelMatcher } from "../label-selector.ts";

export interface SimMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid?: string;
    controller?: boolean;
  }[];
}

export interface SimObject {
  apiVersion: string;
  kind: string;
  metadata: SimMeta;
  // biome-ignore lint/suspicious/noExplicitAny: spec/status differ per kind, as in the API.
  [field: string]: any;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface StoreDump {
  resourceVersion: number;
  objects: SimObject[];
}

/**
 * What helm, workload progression and deletion need from a store: the four
 * calls an API client makes. The fake API server's storage offers the same
 * (testing/fake-api-objects.ts), so these modules drive both test doubles.
 */
export interface ObjectAccess {
  get(kind: string, namespace: string | undefined, name: string): SimObject | undefined;
  put(obj: SimObject): SimObject;
  delete(kind: string, namespace: string | undefined, name: string): boolean;
  list(kind: string, options?: ListOptions): SimObject[];
}

type ByKind = Map<string, Map<string, SimObject>>;

/**
 * A fresh uid as one flat string. Node builds randomUUID() by concatenating
 * 2-character pieces, which V8 keeps as a tree of about 20 string nodes
 * (~500 bytes) until the string is read character by character; kept on every
 * object of a 10,000-store fleet that was a tenth of the simulator's heap.
 */
function newUid(): string {
  return Buffer.from(randomUUID(), "latin1").toString("latin1");
}

export class ObjectStore implements ObjectAccess {
  private readonly namespaces = new Map<string, SimObject>();
  private readonly contents = new Map<string, ByKind>();
  private revision = 0;
  private readonly listeners: ((namespace: string) => void)[] = [];

  constructor(private readonly now: () => number) {}

  /** The last resourceVersion handed out: changes exactly when something was written. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Called after every write with the namespace it touched (a Namespace object: its own name). */
  onChange(listener: (namespace: string) => void): void {
    this.listeners.push(listener);
  }

  private changed(namespace: string): void {
    for (const listener of this.listeners) listener(namespace);
  }

  get(kind: string, namespace: string | undefined, name: string): SimObject | undefined {
    if (kind === "Namespace") return this.namespaces.get(name);
    return this.contents
      .get(namespace ?? "")
      ?.get(kind)
      ?.get(name);
  }

  /** Create or replace. Keeps uid and creationTimestamp of an existing object; bumps resourceVersion. */
  put(obj: SimObject): SimObject {
    const { kind } = obj;
    const namespace = kind === "Namespace" ? undefined : obj.metadata.namespace;
    if (kind !== "Namespace" && !namespace)
      throw new Error(`simulated cluster: ${kind}/${obj.metadata.name} needs a namespace`);
    const existing = this.get(kind, namespace, obj.metadata.name);
    this.revision += 1;
    const stored: SimObject = {
      ...obj,
      metadata: {
        ...obj.metadata,
        uid: existing?.metadata.uid ?? obj.metadata.uid ?? newUid(),
        creationTimestamp:
          existing?.metadata.creationTimestamp ??
          obj.metadata.creationTimestamp ??
          new Date(this.now()).toISOString(),
        resourceVersion: String(this.revision),
      },
    };
    if (kind === "Namespace") {
      this.namespaces.set(stored.metadata.name, stored);
      this.changed(stored.metadata.name);
      return stored;
    }
    let byKind = this.contents.get(namespace as string);
    if (!byKind) {
      byKind = new Map();
      this.contents.set(namespace as string, byKind);
    }
    let byName = byKind.get(kind);
    if (!byName) {
      byName = new Map();
      byKind.set(kind, byName);
    }
    byName.set(stored.metadata.name, stored);
    this.changed(namespace as string);
    return stored;
  }

  /** Replaces the stored object with `change(current)`; undefined when absent. */
  update(
    kind: string,
    namespace: string | undefined,
    name: string,
    change: (current: SimObject) => SimObject,
  ): SimObject | undefined {
    const current = this.get(kind, namespace, name);
    return current ? this.put(change(current)) : undefined;
  }

  /** A deletion is a write too: it moves resourceVersion (what callers use to know to save). */
  delete(kind: string, namespace: string | undefined, name: string): boolean {
    let deleted: boolean;
    if (kind === "Namespace") {
      this.contents.delete(name);
      deleted = this.namespaces.delete(name);
    } else {
      deleted =
        this.contents
          .get(namespace ?? "")
          ?.get(kind)
          ?.delete(name) ?? false;
    }
    if (deleted) {
      this.revision += 1;
      this.changed(kind === "Namespace" ? name : (namespace ?? ""));
    }
    return deleted;
  }

  list(kind: string, options: ListOptions = {}): SimObject[] {
    const labels = labelMatcher(options.labelSelector);
    const fields = fieldMatcher(options.fieldSelector);
    const keep = (o: SimObject) => labels(o.metadata.labels) && fields(o);
    if (kind === "Namespace") return [...this.namespaces.values()].filter(keep);
    const out: SimObject[] = [];
    const scopes =
      options.namespace !== undefined
        ? [this.contents.get(options.namespace)]
        : this.contents.values();
    for (const byKind of scopes) {
      const objects = byKind?.get(kind);
      if (!objects) continue;
      for (const o of objects.values()) if (keep(o)) out.push(o);
    }
    return out;
  }

  /** Everything in a namespace, every kind. */
  contentsOf(namespace: string): SimObject[] {
    const byKind = this.contents.get(namespace);
    return byKind ? [...byKind.values()].flatMap((m) => [...m.values()]) : [];
  }

  namespaceNames(): string[] {
    return [...this.namespaces.keys()];
  }

  dump(): StoreDump {
    const objects = [...this.namespaces.values()];
    for (const ns of this.namespaces.keys()) objects.push(...this.contentsOf(ns));
    return { resourceVersion: this.revision, objects };
  }

  load(dump: StoreDump): void {
    for (const o of dump.objects) this.put(o);
    this.revision = Math.max(this.revision, dump.resourceVersion);
  }
}
