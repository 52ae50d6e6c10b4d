// TEST TOOL — how the fake API server reads a request path, and what the
// authorizer would see in it. Paths follow the API conventions
// (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris):
//   /api/v1/<resource>[/<name>[/<subresource>]]            (core, cluster-wide)
//   /api/v1/namespaces/<ns>/<resource>[/<name>[/<sub>]]     (core, namespaced)
//   /apis/<group>/<version>/...                             (named groups)
// The verb is the one RBAC checks, derived like the API server's
// RequestInfoFactory (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go):
// GET on a name is get, on a collection list (watch with ?watch=true), POST
// create, PUT update, PATCH patch, DELETE on a name delete, on a collection
// deletecollection.

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
}

// Everything the controller, the API's reader and the engine charts touch.
const TYPES: ResourceType[] = [
  { group: "", version: "v1", kind: "Namespace", resource: "namespaces", namespaced: false },
  { group: "", version: "v1", kind: "Secret", resource: "secrets", namespaced: true },
  { group: "", version: "v1", kind: "Pod", resource: "pods", namespaced: true },
  { group: "", version: "v1", kind: "ResourceQuota", resource: "resourcequotas", namespaced: true },
  { group: "", version: "v1", kind: "LimitRange", resource: "limitranges", namespaced: true },
  {
    group: "",
    version: "v1",
    kind: "PersistentVolumeClaim",
    resource: "persistentvolumeclaims",
    namespaced: true,
  },
  { group: "", version: "v1", kind: "Event", resource: "events", namespaced: true },
  { group: "", version: "v1", kind: "ConfigMap", resource: "configmaps", namespaced: true },
  { group: "", version: "v1", kind: "Service", resource: "services", namespaced: true },
  {
    group: "",
    version: "v1",
    kind: "ServiceAccount",
    resource: "serviceaccounts",
    namespaced: true,
  },
  { group: "apps", version: "v1", kind: "Deployment", resource: "deployments", namespaced: true },
  { group: "apps", version: "v1", kind: "StatefulSet", resource: "statefulsets", namespaced: true },
  { group: "batch", version: "v1", kind: "Job", resource: "jobs", namespaced: true },
  {
    group: "networking.k8s.io",
    version: "v1",
    kind: "NetworkPolicy",
    resource: "networkpolicies",
    namespaced: true,
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    kind: "Ingress",
    resource: "ingresses",
    namespaced: true,
  },
];

/** Every kind the fake serves (its discovery documents list them). */
export function allResourceTypes(): readonly ResourceType[] {
  return TYPES;
}

export function typeOfResource(group: string, resource: string): ResourceType | undefined {
  return TYPES.find((t) => t.group === group && t.resource === resource);
}

export function typeOfKind(kind: string): ResourceType | undefined {
  return TYPES.find((t) => t.kind === kind);
}

export function typeOfObject(apiVersion: string | undefined, kind: string | undefined) {
  const group = apiVersion?.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
  return TYPES.find((t) => t.group === group && t.kind === kind);
}

export interface Route {
  type: ResourceType;
  /** Namespace in the path; undefined for cluster-wide calls and cluster-scoped kinds. */
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type RouteResult = { route: Route } | { unknown: string } | null;

/** Parse an API path; null for a path that is no resource URI, unknown for a resource we lack. */
export function parseRoute(path: string): RouteResult {
  const parts = path.split("/").filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1]) {
    group = "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts[1] && parts[2]) {
    group = parts[1];
    rest = parts.slice(3);
  } else {
    return null;
  }
  let namespace: string | undefined;
  // namespaces/<ns>/<resource>... is a namespaced path, but namespaces/<name>
  // and namespaces/<name>/<status|finalize> address the Namespace itself.
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const third = rest[2] ?? "";
    const namespaceItself =
      group === "" && rest.length === 3 && (third === "status" || third === "finalize");
    if (!namespaceItself) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  const [resource, name, subresource] = rest;
  if (!resource) return null;
  const type = typeOfResource(group, resource);
  if (!type) return { unknown: group ? `${resource}.${group}` : resource };
  return { route: { type, namespace, name, subresource } };
}

/** One request as the authorizer sees it (authorizer.Attributes). */
export interface RbacRequest {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  /** The namespace in the path ("" for cluster-wide calls and cluster-scoped kinds). */
  namespace: string;
  /** resourceNames-style object name ("" for collections). */
  name: string;
}

export function rbacVerb(method: string, route: Route, query: Record<string, string>): string {
  const named = route.name !== undefined;
  switch (method) {
    case "GET":
      if (query.watch === "true" || query.watch === "1") return "watch";
      return named ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return named ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

export function rbacRequest(
  method: string,
  route: Route,
  query: Record<string, string>,
  verb = rbacVerb(method, route, query),
): RbacRequest {
  return {
    verb,
    apiGroup: route.type.group,
    resource: route.type.resource,
    subresource: route.subresource ?? "",
    namespace: route.namespace ?? "",
    name: route.name ?? "",
  };
}
