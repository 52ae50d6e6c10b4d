// TEST TOOL — field managers (metadata.managedFields) as the API server keeps
// them for server-side apply, after
// https://kubernetes.io/docs/reference/using-api/server-side-apply/:
// - an apply owns exactly the fields in its configuration;
// - applying a field another manager owns with a DIFFERENT value is a
//   conflict (409, one FieldManagerConflict cause per field) unless
//   force=true, which moves the field to the applier; the same value makes
//   the field shared;
// - a field the applier owned and now omits is removed, unless another
//   manager still owns it; fields owned only by others survive;
// - other writes (create, update, merge patch) are "Update" operations: the
//   writer takes ownership of every field it changed, without conflicts.
// The messages follow k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager
// (internal/conflict.go: NewConflictError, getConflictMessage, printManager).
import { isDeepStrictEqual } from "node:util";
import {
  fieldsOf,
  fromFieldsV1,
  keyPath,
  mergeApplied,
  pathString,
  removeAt,
  toFieldsV1,
  valueAt,
} from "./fake-api-fieldset.ts";
import { applyConflict, type StatusCause } from "./fake-api-status.ts";
import type { KubeObj } from "./fake-api-store.ts";

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
}

interface Entry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fields: Set<string>;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

function entriesOf(obj: KubeObj | undefined): Entry[] {
  const raw = (obj?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  return raw.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

function withEntries(obj: KubeObj, entries: Entry[]): KubeObj {
  const kept = entries.filter((e) => e.fields.size > 0);
  const managedFields: ManagedFieldsEntry[] = kept.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(e.fields),
  }));
  const metadata = { ...obj.metadata };
  if (managedFields.length) metadata.managedFields = managedFields;
  else delete metadata.managedFields;
  return { ...obj, metadata };
}

function printManager(e: Entry): string {
  return e.operation === "Update"
    ? `${JSON.stringify(e.manager)} using ${e.apiVersion}`
    : JSON.stringify(e.manager);
}

function conflictMessage(conflicts: Array<{ entry: Entry; path: string }>): string {
  if (conflicts.length === 1) {
    const [c] = conflicts;
    return `Apply failed with 1 conflict: conflict with ${printManager(c?.entry as Entry)}: ${c?.path}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const m = printManager(c.entry);
    byManager.set(m, [...(byManager.get(m) ?? []), c.path]);
  }
  const lines = [...byManager.keys()]
    .sort()
    .flatMap((m) => [`conflicts with ${m}:`, ...(byManager.get(m) ?? []).map((p) => `- ${p}`)]);
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

const body = (o: KubeObj) => o as unknown as Record<string, unknown>;

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: the
 * apply creates the object). Throws the 409 apply conflict; returns the new
 * object with its managedFields.
 */
export function applyWithManagers(
  live: KubeObj | undefined,
  config: KubeObj,
  manager: string,
  force: boolean,
): KubeObj {
  const applied = fieldsOf(body(config));
  const entries = entriesOf(live);
  const isMine = (e: Entry) => e.manager === manager && e.operation === "Apply";
  const conflicts: Array<{ entry: Entry; path: string; key: string }> = [];
  for (const e of entries.filter((x) => !isMine(x))) {
    for (const k of [...applied].sort()) {
      if (!e.fields.has(k)) continue;
      const path = keyPath(k);
      // A list-map item itself ("." in fieldsV1) is shared, never a conflict:
      // only its fields are compared.
      if (path.at(-1)?.startsWith("k:")) continue;
      if (!isDeepStrictEqual(valueAt(live, path), valueAt(config, path)))
        conflicts.push({ entry: e, path: pathString(path), key: k });
    }
  }
  if (conflicts.length && !force) {
    const causes: StatusCause[] = conflicts.map((c) => ({
      type: "FieldManagerConflict",
      message: `conflict with ${printManager(c.entry)}`,
      field: c.path,
    }));
    throw applyConflict(causes, conflictMessage(conflicts));
  }
  // force: the applier takes the conflicting fields away from their owners.
  for (const c of conflicts) c.entry.fields.delete(c.key);

  const mine = entries.find(isMine);
  const result = structuredClone(live ?? { metadata: config.metadata }) as KubeObj;
  for (const k of mine?.fields ?? []) {
    if (applied.has(k)) continue;
    const ownedElsewhere = entries.some((e) => e !== mine && e.fields.has(k));
    if (!ownedElsewhere) removeAt(body(result), keyPath(k));
  }
  const merged = mergeApplied(result, config) as KubeObj;
  const entry: Entry = {
    manager,
    operation: "Apply",
    apiVersion: config.apiVersion ?? "v1",
    time: now(),
    fields: applied,
  };
  const next = mine ? entries.map((e) => (e === mine ? entry : e)) : [...entries, entry];
  return withEntries(merged, next);
}

/**
 * Ownership after a non-apply write (create, update, patch) by `manager`:
 * it takes every field whose value it set or changed; fields it removed
 * leave every set.
 */
export function recordUpdate(
  before: KubeObj | undefined,
  after: KubeObj,
  manager: string,
): KubeObj {
  const oldFields = before ? fieldsOf(body(before)) : new Set<string>();
  const newFields = fieldsOf(body(after));
  const changed = [...newFields].filter((k) => {
    const p = keyPath(k);
    return !oldFields.has(k) || !isDeepStrictEqual(valueAt(before, p), valueAt(after, p));
  });
  const removed = [...oldFields].filter((k) => !newFields.has(k));
  const entries = entriesOf(before);
  for (const e of entries) for (const k of [...changed, ...removed]) e.fields.delete(k);
  const mine = entries.find((e) => e.manager === manager && e.operation === "Update");
  const entry: Entry = {
    manager,
    operation: "Update",
    apiVersion: after.apiVersion ?? "v1",
    time: now(),
    fields: new Set([...(mine?.fields ?? []), ...changed]),
  };
  const next = mine ? entries.map((e) => (e === mine ? entry : e)) : [...entries, entry];
  return withEntries(after, next);
}
