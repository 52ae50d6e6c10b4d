// Level: real helm. The controller's ClusterRole, as rendered, against (a) the
// permissions the controller code declares (controllerPolicyRules) and (b) what
// the helm it runs needs to manage every kind the engine charts render.
import { controllerPolicyRules, type PolicyRule } from "@storeplane/k8s/rbac";
import { describe, expect, it } from "vitest";
import { ENGINE_CHARTS, engineOf, type K8sObject, render, VALUES_FILES } from "./helm.ts";

function triples(rules: PolicyRule[]): Set<string> {
  const out = new Set<string>();
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources)
        for (const verb of rule.verbs) out.add(`${group}|${resource}|${verb}`);
    }
  }
  return out;
}

function controllerRole(objects: K8sObject[]): K8sObject {
  const role = objects.find(
    (o) =>
      o.kind === "ClusterRole" &&
      o.metadata.labels?.["app.kubernetes.io/component"] === "controller",
  );
  if (!role) throw new Error("platform chart renders no controller ClusterRole");
  return role;
}

const platform = render("platform", "values.yaml");
const rendered = triples(controllerRole(platform).rules as PolicyRule[]);

const declared = controllerPolicyRules;
const compare = declared.length > 0 ? describe : describe.skip;
compare(
  declared.length > 0
    ? "controller ClusterRole equals controllerPolicyRules (packages/k8s/src/rbac.ts)"
    : "controller ClusterRole equals controllerPolicyRules — skipped: controllerPolicyRules in packages/k8s/src/rbac.ts is still empty",
  () => {
    it("grants exactly the apiGroup/resource/verb triples the code declares", () => {
      const expected = triples(declared);
      expect(
        [...rendered].filter((t) => !expected.has(t)).sort(),
        "granted but not declared",
      ).toEqual([]);
      expect(
        [...expected].filter((t) => !rendered.has(t)).sort(),
        "declared but not granted",
      ).toEqual([]);
    });
  },
);

// kind -> [apiGroup, resource] for everything an engine chart may render.
const RESOURCE_OF: Record<string, [string, string]> = {
  Service: ["", "services"],
  ConfigMap: ["", "configmaps"],
  Secret: ["", "secrets"],
  PersistentVolumeClaim: ["", "persistentvolumeclaims"],
  ServiceAccount: ["", "serviceaccounts"],
  Deployment: ["apps", "deployments"],
  StatefulSet: ["apps", "statefulsets"],
  Job: ["batch", "jobs"],
  Ingress: ["networking.k8s.io", "ingresses"],
};
// What `helm upgrade --install`, `uninstall` and a readiness wait do to each kind.
const HELM_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"];

describe("controller ClusterRole covers the engine charts and the controller's own steps", () => {
  const kinds = new Set<string>();
  for (const chart of ENGINE_CHARTS) {
    for (const valuesFile of VALUES_FILES) {
      for (const object of render(chart, valuesFile)) kinds.add(object.kind);
    }
    if (engineOf(chart) === "woocommerce")
      for (const object of render(chart, "values.yaml", ["--set", "imageMode=official"]))
        kinds.add(object.kind);
  }

  it.each([...kinds].sort())("lets helm manage every %s the engine charts render", (kind) => {
    const target = RESOURCE_OF[kind];
    expect(target, `no RBAC mapping for ${kind}: add it here and to the ClusterRole`).toBeDefined();
    const [group, resource] = target as [string, string];
    for (const verb of HELM_VERBS)
      expect(rendered.has(`${group}|${resource}|${verb}`), `${verb} ${resource}`).toBe(true);
  });

  it("lets helm keep its release records (Secrets in the store namespace)", () => {
    for (const verb of ["get", "list", "create", "update", "delete"])
      expect(rendered.has(`|secrets|${verb}`), verb).toBe(true);
  });

  it("covers the namespace, guardrail and observation steps of DESIGN.md", () => {
    const needed = [
      ...["get", "create", "patch", "delete"].map((v) => `|namespaces|${v}`),
      ...["|resourcequotas", "|limitranges", "networking.k8s.io|networkpolicies"].flatMap((r) =>
        ["create", "patch"].map((v) => `${r}|${v}`),
      ),
      "|pods|list",
      "|events|list",
    ];
    expect(needed.filter((t) => !rendered.has(t))).toEqual([]);
  });

  it("grants no wildcards and nothing that escalates", () => {
    for (const triple of rendered) expect(triple).not.toContain("*");
    for (const resource of ["clusterroles", "clusterrolebindings", "roles", "rolebindings"]) {
      expect([...rendered].filter((t) => t.includes(`|${resource}|`))).toEqual([]);
    }
    for (const verb of ["escalate", "bind", "impersonate"])
      expect([...rendered].filter((t) => t.endsWith(`|${verb}`))).toEqual([]);
  });

  it("binds the role to the controller's own ServiceAccount, which the Deployment uses", () => {
    const binding = platform.find(
      (o) =>
        o.kind === "ClusterRoleBinding" &&
        o.roleRef?.name === controllerRole(platform).metadata.name,
    );
    const deployment = platform.find(
      (o) => o.kind === "Deployment" && o.metadata.name.endsWith("-controller"),
    );
    expect(binding?.subjects).toEqual([
      {
        kind: "ServiceAccount",
        name: deployment?.spec.template.spec.serviceAccountName,
        namespace: "storeplane",
      },
    ]);
  });
});

describe("web ClusterRole", () => {
  it("is read-only and can read only the store-credentials Secrets", () => {
    const web = platform.find(
      (o) =>
        o.kind === "ClusterRole" && o.metadata.labels?.["app.kubernetes.io/component"] === "web",
    );
    for (const rule of web?.rules ?? []) {
      for (const verb of rule.verbs) expect(["get", "list", "watch"]).toContain(verb);
      if (rule.resources.includes("secrets"))
        expect(rule.resourceNames).toEqual(["store-credentials"]);
    }
  });
});
