// Level: unit. Which calls the controller really makes is not listed here:
// apps/controller/test/rbac.helm.test.ts records them against the fake API
// server and checks them with the rendered ClusterRole.
import { describe, expect, it } from "vitest";
import { authorizes, controllerPolicyRules, missingPermissions } from "./rbac.ts";

describe("controllerPolicyRules", () => {
  it("never grants wildcards or access to RBAC objects", () => {
    for (const rule of controllerPolicyRules) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain("*");
      expect(rule.apiGroups).not.toContain("rbac.authorization.k8s.io");
    }
  });

  it("missingPermissions reports what a narrower role lacks", () => {
    const granted = [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"] }];
    const missing = missingPermissions(granted);
    expect(missing).toContain("core/namespaces:create");
    expect(missing).not.toContain("core/namespaces:get");
  });
});

describe("authorizes", () => {
  const req = {
    verb: "get",
    apiGroup: "",
    resource: "secrets",
    subresource: "",
    name: "store-credentials",
  };
  const named = [
    {
      apiGroups: [""],
      resources: ["secrets"],
      verbs: ["get"],
      resourceNames: ["store-credentials"],
    },
  ];

  it("matches group, resource and verb", () => {
    expect(authorizes(controllerPolicyRules, req)).toBe(true);
    expect(authorizes(controllerPolicyRules, { ...req, verb: "deletecollection" })).toBe(false);
    expect(authorizes(controllerPolicyRules, { ...req, apiGroup: "apps" })).toBe(false);
  });

  it("limits resourceNames rules to those names, and never to a list", () => {
    expect(authorizes(named, req)).toBe(true);
    expect(authorizes(named, { ...req, name: "registry-pull" })).toBe(false);
    expect(authorizes(named, { ...req, verb: "list", name: "" })).toBe(false);
  });

  it("needs the subresource named in the rule", () => {
    const rules = [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }];
    expect(authorizes(rules, { ...req, resource: "pods", subresource: "log", name: "p" })).toBe(
      false,
    );
    expect(authorizes(rules, { ...req, resource: "pods", name: "p" })).toBe(true);
  });
});
