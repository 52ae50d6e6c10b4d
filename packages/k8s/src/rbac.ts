// The Kubernetes permissions the controller needs, written down once. The
// platform chart's ClusterRole is tested against this list
// (charts/test/rbac.helm.test.ts), and against the requests the controller and
// the API's reader really make (apps/controller/test/rbac.helm.test.ts, which
// records them on the fake API server): a new call without a matching rule,
// or a rule nobody uses, fails there.
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  /** When set, the rule covers only these object names (never a list or a create). */
  resourceNames?: string[];
}

/** One request as the authorizer sees it (k8s.io/apiserver authorizer.Attributes). */
export interface AuthorizationRequest {
  verb: string;
  apiGroup: string;
  resource: string;
  /** e.g. "status"; RBAC names it "<resource>/<subresource>". */
  subresource: string;
  name: string;
}

// What helm needs on every kind an engine chart creates: read the live object,
// create/patch/update it on install and upgrade (Helm 4 applies server-side
// by patch), delete it on upgrade or uninstall, and watch hook Jobs (Helm 4
// waits for hooks by default).
const HELM_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];

// Grouped by what uses them; each entry names its caller so an unused rule is
// easy to spot. Namespaces are cluster-scoped, so this is a ClusterRole.
export const controllerPolicyRules: PolicyRule[] = [
  // KubeClient: ensureNamespace (create, then read + merge-patch labels),
  // deleteNamespace, the snapshot's list and the watch cache's watch.
  {
    apiGroups: [""],
    resources: ["namespaces"],
    verbs: ["get", "list", "watch", "create", "patch", "delete"],
  },
  // Guardrails: server-side apply (patch; the API server also checks create
  // when the apply creates the object), the snapshot list and watch.
  {
    apiGroups: [""],
    resources: ["resourcequotas", "limitranges"],
    verbs: ["list", "watch", "create", "patch"],
  },
  {
    apiGroups: ["networking.k8s.io"],
    resources: ["networkpolicies"],
    verbs: ["list", "watch", "create", "patch"],
  },
  // Our create-once Secrets (create, get) and Helm's release storage (get,
  // list, create, update, delete); unlockRelease deletes pending revisions;
  // copySecret reads the platform's pull Secret (get) and server-side applies
  // its copy into the store namespace (patch); the watch cache watches their
  // metadata.
  {
    apiGroups: [""],
    resources: ["secrets"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  // Snapshot (list, then the watch cache's watch) and the API's reader.
  { apiGroups: [""], resources: ["events"], verbs: ["list", "watch"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
  // Objects the engine charts create through `helm upgrade --install`
  // (also listed by the snapshot: deployments, statefulsets, jobs, PVCs).
  {
    apiGroups: [""],
    resources: ["services", "configmaps", "serviceaccounts", "persistentvolumeclaims"],
    verbs: HELM_VERBS,
  },
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: HELM_VERBS },
  // Restore maintenance (issue 15): a restore scales the store's Deployments
  // to zero and back through the scale subresource (read, then patch; update
  // for clients that PUT the Scale object).
  { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["get", "patch", "update"] },
  // Also the backup runner: server-side apply of a backup Job (create,
  // patch), readJob (get), deleteJob (delete); its Secret and NetworkPolicy
  // use the secrets and networkpolicies rules above.
  { apiGroups: ["batch"], resources: ["jobs"], verbs: HELM_VERBS },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: HELM_VERBS },
];

/** True when `granted` (e.g. a ClusterRole's rules) allows verb on group/resource. */
export function allows(
  granted: PolicyRule[],
  apiGroup: string,
  resource: string,
  verb: string,
): boolean {
  return granted.some(
    (r) =>
      (r.apiGroups.includes(apiGroup) || r.apiGroups.includes("*")) &&
      (r.resources.includes(resource) || r.resources.includes("*")) &&
      (r.verbs.includes(verb) || r.verbs.includes("*")),
  );
}

/**
 * Whether a ClusterRole's rules allow one request, as the RBAC authorizer
 * decides (plugin/pkg/auth/authorizer/rbac/rbac.go, RuleAllows): group,
 * resource (with its subresource), verb, and resourceNames, which never
 * match a request without a name (list, create, deletecollection).
 */
export function authorizes(rules: PolicyRule[], req: AuthorizationRequest): boolean {
  const resource = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
  return rules.some(
    (r) =>
      (r.apiGroups.includes(req.apiGroup) || r.apiGroups.includes("*")) &&
      (r.resources.includes(resource) || r.resources.includes("*")) &&
      (r.verbs.includes(req.verb) || r.verbs.includes("*")) &&
      (!r.resourceNames?.length || (req.name !== "" && r.resourceNames.includes(req.name))),
  );
}

/** Every (group, resource, verb) the controller needs that `granted` does not allow. */
export function missingPermissions(
  granted: PolicyRule[],
  needed: PolicyRule[] = controllerPolicyRules,
): string[] {
  const missing: string[] = [];
  for (const rule of needed) {
    for (const g of rule.apiGroups) {
      for (const res of rule.resources) {
        for (const v of rule.verbs) {
          if (!allows(granted, g, res, v)) missing.push(`${g || "core"}/${res}:${v}`);
        }
      }
    }
  }
  return missing;
}
