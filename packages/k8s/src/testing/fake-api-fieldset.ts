// TEST TOOL — field paths and field sets for server-side apply, and their
// wire form (metadata.managedFields[].fieldsV1), after
// https://kubernetes.io/docs/reference/using-api/server-side-apply/ and
// sigs.k8s.io/structured-merge-diff (fieldpath).
//
// The subset, and why: the fake knows no OpenAPI schemas, so it cannot know
// every list's merge strategy. Maps (objects) are merged and owned key by key;
// lists are ATOMIC (owned and replaced as a whole, the default for a list
// without x-kubernetes-list-type), except the few list-maps our objects use,
// keyed as in the Kubernetes types: containers/initContainers/volumes/env by
// `name`, volumeMounts by `mountPath`. That covers the guardrails (quota,
// limit range, network policies), Secrets and workload templates.
import { isDeepStrictEqual } from "node:util";

/** One path element: `f:<field>` or `k:<json of the key fields>` (a list-map item). */
export type Path = string[];

const LIST_MAP_KEYS: Record<string, string[]> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  volumes: ["name"],
  env: ["name"],
  volumeMounts: ["mountPath"],
};

// Identity and bookkeeping fields nobody "owns" (they never appear in fieldsV1).
const UNTRACKED_TOP = new Set(["apiVersion", "kind", "status"]);
const UNTRACKED_META = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
]);

type Json = unknown;
const isMap = (v: Json): v is Record<string, Json> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

export const pathKey = (p: Path) => p.join("\u0000");
export const keyPath = (k: string): Path => (k ? k.split("\u0000") : []);

function fieldName(el: string): string | undefined {
  return el.startsWith("f:") ? el.slice(2) : undefined;
}

function itemKey(keys: string[], item: Record<string, Json>): string {
  const picked: Record<string, Json> = {};
  for (const k of keys) picked[k] = item[k];
  return `k:${JSON.stringify(picked)}`;
}

function listKeysFor(field: string | undefined, list: Json[]): string[] | undefined {
  const keys = field ? LIST_MAP_KEYS[field] : undefined;
  if (!keys) return undefined;
  return list.every((i) => isMap(i) && keys.every((k) => k in i)) ? keys : undefined;
}

/** Every leaf field path set in `obj` (the set a manager comes to own). */
export function fieldsOf(obj: Record<string, Json>): Set<string> {
  const out = new Set<string>();
  const walk = (value: Json, path: Path) => {
    if (isMap(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0 && path.length > 0) out.add(pathKey(path));
      for (const [k, v] of entries) {
        if (path.length === 0 && UNTRACKED_TOP.has(k)) continue;
        if (path.length === 1 && path[0] === "f:metadata" && UNTRACKED_META.has(k)) continue;
        walk(v, [...path, `f:${k}`]);
      }
      return;
    }
    if (Array.isArray(value)) {
      const keys = listKeysFor(fieldName(path.at(-1) ?? ""), value);
      if (!keys) {
        out.add(pathKey(path));
        return;
      }
      for (const item of value as Record<string, Json>[]) {
        const itemPath = [...path, itemKey(keys, item)];
        out.add(pathKey(itemPath));
        walk(item, itemPath);
      }
      return;
    }
    out.add(pathKey(path));
  };
  walk(obj, []);
  return out;
}

/** The value at a path, or undefined when absent. */
export function valueAt(obj: Json, path: Path): Json {
  let cur: Json = obj;
  for (const el of path) {
    if (el.startsWith("k:")) {
      if (!Array.isArray(cur)) return undefined;
      const want = JSON.parse(el.slice(2)) as Record<string, Json>;
      cur = cur.find(
        (i) => isMap(i) && Object.entries(want).every(([k, v]) => isDeepStrictEqual(i[k], v)),
      );
    } else {
      if (!isMap(cur)) return undefined;
      cur = cur[el.slice(2)];
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Remove the field (or list-map item) at a path, in place. */
export function removeAt(obj: Record<string, Json>, path: Path): void {
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path.at(-1);
  if (!last) return;
  if (last.startsWith("k:") && Array.isArray(parent)) {
    const item = valueAt(obj, path);
    const i = parent.indexOf(item);
    if (i >= 0) parent.splice(i, 1);
  } else if (isMap(parent)) {
    delete parent[last.slice(2)];
  }
}

/** Apply's merge: maps by key, list-maps by item key, everything else replaced. */
export function mergeApplied(live: Json, config: Json, field?: string): Json {
  if (isMap(live) && isMap(config)) {
    const out: Record<string, Json> = { ...live };
    for (const [k, v] of Object.entries(config)) out[k] = mergeApplied(live[k], v, k);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config)) {
    const keys = listKeysFor(field, config);
    if (keys && listKeysFor(field, live)) {
      const liveByKey = new Map(live.map((i) => [itemKey(keys, i as Record<string, Json>), i]));
      const merged = config.map((c) => {
        const k = itemKey(keys, c as Record<string, Json>);
        const l = liveByKey.get(k);
        liveByKey.delete(k);
        return l === undefined ? c : mergeApplied(l, c);
      });
      return [...merged, ...liveByKey.values()];
    }
  }
  return structuredClone(config);
}

/** fieldpath.Path.String(): `.spec.replicas`, `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  return path
    .map((el) => {
      if (el.startsWith("f:")) return `.${el.slice(2)}`;
      const key = JSON.parse(el.slice(2)) as Record<string, Json>;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",")}]`;
    })
    .join("");
}

/** A field set as managedFields[].fieldsV1 (`"."` marks a list-map item itself). */
export function toFieldsV1(set: Set<string>): Record<string, Json> {
  const root: Record<string, Json> = {};
  for (const k of [...set].sort()) {
    const path = keyPath(k);
    let node = root;
    for (const el of path) {
      node[el] ??= {};
      node = node[el] as Record<string, Json>;
    }
    if (path.at(-1)?.startsWith("k:")) node["."] = {};
  }
  return root;
}

export function fromFieldsV1(fields: Json): Set<string> {
  const out = new Set<string>();
  const walk = (node: Json, path: Path) => {
    if (!isMap(node)) return;
    const entries = Object.entries(node);
    if (entries.length === 0 && path.length > 0) out.add(pathKey(path));
    for (const [k, v] of entries) {
      if (k === ".") out.add(pathKey(path));
      else walk(v, [...path, k]);
    }
  };
  walk(fields, []);
  return out;
}
