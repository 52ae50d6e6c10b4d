// TEST TOOL — the fake API server's storage behind the simulated cluster's
// ObjectAccess (get/put/delete/list by kind), so the simulated helm, workload
// progression and garbage collection (src/simulated) can act on the fake API
// server's objects the way helm and the cluster's controllers act on a real
// API server's: every write is an ObjectStore.commit, with a new
// resourceVersion and an onChange event, just like a client's write.
import type { ListOptions, ObjectAccess, SimObject } from "../simulated/object-store.ts";
import { typeOfKind } from "./fake-api-routes.ts";
import type { KubeObj, ObjectStore } from "./fake-api-store.ts";
import { fieldMatcher, labelMatcher } from "./label-selector.ts";

function typeOf(kind: string) {
  const t = typeOfKind(kind);
  if (!t) throw new Error(`fake api: unknown kind ${kind}`);
  return t;
}

export class FakeApiObjects implements ObjectAccess {
  constructor(private readonly store: ObjectStore) {}

  get(kind: string, namespace: string | undefined, name: string): SimObject | undefined {
    return this.store.get(typeOf(kind), namespace, name) as SimObject | undefined;
  }

  put(obj: SimObject): SimObject {
    const t = typeOf(obj.kind);
    const exists = this.store.get(t, obj.metadata.namespace, obj.metadata.name) !== undefined;
    return this.store.commit(exists ? "MODIFIED" : "ADDED", t, obj as KubeObj) as SimObject;
  }

  delete(kind: string, namespace: string | undefined, name: string): boolean {
    const t = typeOf(kind);
    const live = this.store.get(t, namespace, name);
    if (!live) return false;
    this.store.commit("DELETED", t, live);
    return true;
  }

  list(kind: string, options: ListOptions = {}): SimObject[] {
    const labels = labelMatcher(options.labelSelector);
    const fields = fieldMatcher(options.fieldSelector);
    return this.store
      .list(typeOf(kind), options.namespace)
      .filter((o) => labels(o.metadata.labels) && fields(o)) as SimObject[];
  }
}
