// TEST TOOL — the fake API server's discovery documents, so clients that map
// kinds to resources through discovery (client-go's RESTMapper, hence the
// real helm binary) can talk to it. Unaggregated discovery as documented in
// https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api :
// GET /api → APIVersions, GET /apis → APIGroupList, GET /api/v1 and
// /apis/<group>/<version> → APIResourceList. A client asking for aggregated
// discovery (Accept: …as=APIGroupDiscoveryList) gets these legacy documents
// with Content-Type application/json, which client-go takes as "not
// aggregated" and reads the legacy way.
import { allResourceTypes } from "./fake-api-routes.ts";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** The discovery document for `path`, or undefined when it is no discovery path. */
export function discoveryDocument(path: string): unknown {
  const types = allResourceTypes();
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "/api")
    return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] };
  if (trimmed === "/apis") {
    const groups = [...new Set(types.map((t) => t.group).filter(Boolean))].sort();
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: groups.map((name) => {
        const version = { groupVersion: `${name}/v1`, version: "v1" };
        return { name, versions: [version], preferredVersion: version };
      }),
    };
  }
  const core = trimmed === "/api/v1";
  const named = /^\/apis\/([^/]+)\/(v1)$/.exec(trimmed);
  if (!core && !named) return undefined;
  const group = core ? "" : (named?.[1] ?? "");
  const members = types.filter((t) => t.group === group);
  if (!core && members.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: core ? "v1" : `${group}/v1`,
    resources: members.map((t) => ({
      name: t.resource,
      singularName: t.kind.toLowerCase(),
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: VERBS,
    })),
  };
}
