// TEST TOOL — the `scale` subresource of Deployments and StatefulSets, as
// the API server serves it (Kubernetes API reference, "Deployment v1 apps":
// get / replace / patch "scale of the specified Deployment",
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#get-read-scale-of-the-specified-deployment,
// and the same for StatefulSets). The body is an autoscaling/v1 Scale:
// metadata of the workload (name, namespace, uid, resourceVersion,
// creationTimestamp), spec.replicas, status.replicas and status.selector.
// A write changes only the workload's spec.replicas, committed through
// ObjectStore.commit so watches see a MODIFIED workload, and answers with the
// new Scale. Like the real registry (pkg/registry/apps/deployment/storage
// ScaleREST), a resourceVersion in the body must match the workload's.
import type { Route } from "./fake-api-routes.ts";
import {
  badRequest,
  conflict,
  invalid,
  methodNotAllowed,
  notFound,
  OBJECT_MODIFIED,
  StatusError,
  statusBody,
} from "./fake-api-status.ts";
import type { KubeObj, ObjectStore } from "./fake-api-store.ts";

const SCALABLE = new Set(["deployments", "statefulsets"]);

export function isScaleRoute(route: Route): boolean {
  return route.subresource === "scale" && SCALABLE.has(route.type.resource);
}

function selectorString(workload: KubeObj): string {
  const spec = workload.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined;
  return Object.entries(spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function toScale(workload: KubeObj): KubeObj {
  const spec = (workload.spec ?? {}) as { replicas?: number };
  const status = (workload.status ?? {}) as { replicas?: number };
  const { name, namespace, uid, resourceVersion, creationTimestamp } = workload.metadata;
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    // An unset spec.replicas defaults to 1 for both kinds.
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(workload) },
  };
}

const MERGE_TYPES = ["application/merge-patch+json", "application/strategic-merge-patch+json"];

export function serveScale(
  store: ObjectStore,
  method: string,
  route: Route,
  contentType: string,
  body: unknown,
): { status: number; body: KubeObj } {
  const name = route.name ?? "";
  const live = store.get(route.type, route.namespace, name);
  const gr = { group: route.type.group, resource: route.type.resource };
  if (!live) throw notFound(gr, name);
  if (method === "GET") return { status: 200, body: toScale(live) };
  if (method !== "PUT" && method !== "PATCH") throw methodNotAllowed(method);
  if (method === "PATCH" && !MERGE_TYPES.some((m) => contentType.startsWith(m)))
    throw new StatusError(
      statusBody(
        415,
        "UnsupportedMediaType",
        `the fake API server does not accept ${contentType || "no content type"} patches of scale`,
      ),
    );
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badRequest("the body of the request was in an unknown format");
  const scale = body as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
  const wantedVersion = scale.metadata?.resourceVersion;
  if (wantedVersion && wantedVersion !== live.metadata.resourceVersion)
    throw conflict(gr, name, OBJECT_MODIFIED);
  const replicas =
    scale.spec?.replicas ??
    (method === "PATCH" ? (live.spec as { replicas?: number })?.replicas : 0);
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)
    throw invalid({ group: "autoscaling", kind: "Scale" }, name, [
      {
        type: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        field: "spec.replicas",
      },
    ]);
  const next: KubeObj = {
    ...live,
    spec: { ...((live.spec as Record<string, unknown>) ?? {}), replicas },
  };
  const committed = store.commit("MODIFIED", route.type, next);
  return { status: 200, body: toScale(committed) };
}
