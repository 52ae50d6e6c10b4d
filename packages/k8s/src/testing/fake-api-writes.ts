// TEST TOOL — the fake API server's writes: create, update (PUT), merge patch,
// server-side apply and delete, with the API server's checks in its order:
// validation (422), namespace admission (404/403), existence (404/409),
// optimistic concurrency (409), field managers, then one store commit.
import { applyWithManagers, recordUpdate } from "./fake-api-managers.ts";
import type { NamespaceLifecycle } from "./fake-api-namespaces.ts";
import type { ResourceType, Route } from "./fake-api-routes.ts";
import {
  alreadyExists,
  badRequest,
  conflict,
  type GroupResource,
  invalid,
  notFound,
  OBJECT_MODIFIED,
  StatusError,
  statusBody,
} from "./fake-api-status.ts";
import type { KubeObj, ObjectStore } from "./fake-api-store.ts";

export interface WriteContext {
  store: ObjectStore;
  namespaces: NamespaceLifecycle;
}

export interface WriteRequest {
  route: Route;
  query: Record<string, string>;
  contentType: string;
  userAgent: string;
  body: unknown;
}

const grOf = (t: ResourceType): GroupResource => ({ group: t.group, resource: t.resource });

// validation.IsDNS1123Label / IsDNS1123Subdomain (apimachinery/pkg/util/validation).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validateName(t: ResourceType, name: string | undefined): void {
  const kind = { group: t.group, kind: t.kind };
  if (!name)
    throw invalid(kind, "", [
      {
        type: "FieldValueRequired",
        message: "Required value: name or generateName is required",
        field: "metadata.name",
      },
    ]);
  // Namespace names are labels; most other names are subdomains.
  const label = t.resource === "namespaces";
  const ok = label
    ? DNS1123_LABEL.test(name) && name.length <= 63
    : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (!ok) {
    const what = label ? "a lowercase RFC 1123 label" : "a lowercase RFC 1123 subdomain";
    const regex = label ? DNS1123_LABEL.source.slice(1, -1) : DNS1123_SUBDOMAIN.source.slice(1, -1);
    throw invalid(kind, name, [
      {
        type: "FieldValueInvalid",
        message: `Invalid value: "${name}": ${what} must consist of lower case alphanumeric characters, '-'${label ? "" : " or '.'"}, and must start and end with an alphanumeric character (regex used for validation is '${regex}')`,
        field: "metadata.name",
      },
    ]);
  }
}

function asObject(t: ResourceType, body: unknown): KubeObj {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badRequest(`the body of the request was in an unknown format`);
  const obj = structuredClone(body) as KubeObj;
  obj.metadata ??= { name: "" };
  obj.apiVersion ??= t.group ? `${t.group}/${t.version}` : t.version;
  obj.kind ??= t.kind;
  return obj;
}

/** Secret.stringData is write-only: the API server folds it into data (base64). */
function foldStringData(t: ResourceType, obj: KubeObj): KubeObj {
  if (t.resource !== "secrets" || !obj.stringData || typeof obj.stringData !== "object") return obj;
  const data = { ...((obj.data ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries(obj.stringData as Record<string, string>))
    data[k] = Buffer.from(v, "utf8").toString("base64");
  const { stringData: _, ...rest } = obj;
  return { ...rest, data } as KubeObj;
}

/** The manager a write is recorded under (fieldManager, else the user agent's product). */
function managerOf(req: WriteRequest): string {
  return req.query.fieldManager || req.userAgent.split("/")[0] || "unknown";
}

function checkResourceVersion(t: ResourceType, live: KubeObj, incoming: KubeObj): void {
  const wanted = incoming.metadata.resourceVersion;
  if (wanted && wanted !== live.metadata.resourceVersion)
    throw conflict(grOf(t), live.metadata.name, OBJECT_MODIFIED);
}

/** Writes to the main resource never change status; /status writes change only status. */
function keepStatus(route: Route, live: KubeObj, next: KubeObj): KubeObj {
  if (route.subresource === "status")
    return { ...live, status: next.status, metadata: next.metadata };
  if (live.status === undefined) {
    const { status: _, ...rest } = next;
    return rest as KubeObj;
  }
  return { ...next, status: live.status };
}

/** An object whose deletion waits only on finalizers goes once they are removed. */
function commitWrite(ctx: WriteContext, t: ResourceType, obj: KubeObj): KubeObj {
  if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length)
    return ctx.store.commit("DELETED", t, obj);
  return ctx.store.commit("MODIFIED", t, obj);
}

function pathNamespace(route: Route, obj: KubeObj): KubeObj {
  if (!route.type.namespaced) return obj;
  const ns = obj.metadata.namespace;
  if (ns && route.namespace && ns !== route.namespace)
    throw badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  return { ...obj, metadata: { ...obj.metadata, namespace: route.namespace } };
}

export function create(ctx: WriteContext, req: WriteRequest): { status: number; body: KubeObj } {
  const t = req.route.type;
  let obj = pathNamespace(req.route, foldStringData(t, asObject(t, req.body)));
  validateName(t, obj.metadata.name);
  ctx.namespaces.admitCreate(grOf(t), req.route.namespace, obj.metadata.name);
  if (ctx.store.get(t, req.route.namespace, obj.metadata.name))
    throw alreadyExists(grOf(t), obj.metadata.name);
  // PrepareForCreate: status is the system's to write, never the creator's.
  const { status: _, ...rest } = obj;
  obj = rest as KubeObj;
  for (const k of ["resourceVersion", "uid", "creationTimestamp", "deletionTimestamp"])
    delete obj.metadata[k];
  if (t.resource === "namespaces") obj = ctx.namespaces.prepareCreate(obj);
  obj = recordUpdate(undefined, obj, managerOf(req));
  return { status: 201, body: ctx.store.commit("ADDED", t, obj) };
}

function liveOr404(ctx: WriteContext, route: Route): KubeObj {
  const name = route.name ?? "";
  const live = ctx.store.get(route.type, route.namespace, name);
  if (!live) throw notFound(grOf(route.type), name);
  return live;
}

export function update(ctx: WriteContext, req: WriteRequest): { status: number; body: KubeObj } {
  const { route } = req;
  const t = route.type;
  const live = liveOr404(ctx, route);
  const obj = pathNamespace(route, foldStringData(t, asObject(t, req.body)));
  if (obj.metadata.name !== route.name)
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${route.name})`,
    );
  checkResourceVersion(t, live, obj);
  const merged = keepStatus(route, live, {
    ...obj,
    metadata: {
      ...obj.metadata,
      uid: live.metadata.uid,
      creationTimestamp: live.metadata.creationTimestamp,
      deletionTimestamp: live.metadata.deletionTimestamp,
      managedFields: live.metadata.managedFields,
    },
  });
  return { status: 200, body: commitWrite(ctx, t, recordUpdate(live, merged, managerOf(req))) };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === "object" && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const APPLY = "application/apply-patch+yaml";
// Strategic merge patch is a merge patch plus list strategies the fake does not
// know (the subset: treated as a JSON merge patch, RFC 7386).
const MERGE_TYPES = ["application/merge-patch+json", "application/strategic-merge-patch+json"];

export function patch(ctx: WriteContext, req: WriteRequest): { status: number; body: KubeObj } {
  const { route } = req;
  const t = route.type;
  if (req.contentType.startsWith(APPLY)) return apply(ctx, req);
  if (!MERGE_TYPES.some((m) => req.contentType.startsWith(m)))
    throw new StatusError(
      statusBody(
        415,
        "UnsupportedMediaType",
        `the fake API server does not accept ${req.contentType || "no content type"} patches`,
      ),
    );
  const live = liveOr404(ctx, route);
  const incoming = (req.body ?? {}) as KubeObj;
  if (incoming.metadata) checkResourceVersion(t, live, incoming);
  const patched = foldStringData(t, mergePatch(live, req.body) as KubeObj);
  patched.metadata = { ...patched.metadata, name: live.metadata.name, uid: live.metadata.uid };
  const next = keepStatus(route, live, patched);
  return { status: 200, body: commitWrite(ctx, t, recordUpdate(live, next, managerOf(req))) };
}

function apply(ctx: WriteContext, req: WriteRequest): { status: number; body: KubeObj } {
  const { route } = req;
  const t = route.type;
  const manager = req.query.fieldManager;
  if (!manager)
    throw invalid({ group: "meta.k8s.io", kind: "PatchOptions" }, "", [
      {
        type: "FieldValueRequired",
        message: "Required value: is required for apply patch",
        field: "fieldManager",
      },
    ]);
  const config = pathNamespace(route, foldStringData(t, asObject(t, req.body)));
  if (config.metadata.name !== route.name)
    throw badRequest(
      `the name of the object (${config.metadata.name}) does not match the name on the URL (${route.name})`,
    );
  const force = req.query.force === "true";
  const live = ctx.store.get(t, route.namespace, route.name ?? "");
  if (!live) {
    // An apply that creates is a create: same validation and admission.
    validateName(t, config.metadata.name);
    ctx.namespaces.admitCreate(grOf(t), route.namespace, config.metadata.name);
    const { status: _, ...rest } = config;
    let obj = applyWithManagers(undefined, rest as KubeObj, manager, force);
    if (t.resource === "namespaces") obj = ctx.namespaces.prepareCreate(obj);
    return { status: 201, body: ctx.store.commit("ADDED", t, obj) };
  }
  checkResourceVersion(t, live, config);
  const { status: _, ...rest } = config;
  const applied = applyWithManagers(live, rest as KubeObj, manager, force);
  const next = keepStatus(route, live, applied);
  return { status: 200, body: commitWrite(ctx, t, next) };
}

export function remove(ctx: WriteContext, route: Route): { status: number; body: unknown } {
  const t = route.type;
  if (t.resource === "namespaces") {
    return { status: 200, body: ctx.namespaces.beginDeletion(route.name ?? "") };
  }
  const live = liveOr404(ctx, route);
  if (live.metadata.finalizers?.length) {
    // Graceful: marked for deletion, gone once the finalizers are removed.
    if (live.metadata.deletionTimestamp) return { status: 200, body: live };
    const marked = ctx.store.commit("MODIFIED", t, {
      ...live,
      metadata: {
        ...live.metadata,
        deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      },
    });
    return { status: 200, body: marked };
  }
  const gone = ctx.store.commit("DELETED", t, live);
  // Most registries answer a finished delete with a Success Status naming the
  // object; pods (like namespaces) answer with the object itself
  // (genericregistry.Store.ReturnDeletedObject).
  if (t.resource === "pods") return { status: 200, body: gone };
  return {
    status: 200,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: {
        name: live.metadata.name,
        ...(t.group ? { group: t.group } : {}),
        kind: t.resource,
        uid: live.metadata.uid,
      },
    },
  };
}
