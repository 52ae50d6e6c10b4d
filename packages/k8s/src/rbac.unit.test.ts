// Level: unit. The chart-side comparison lives with the platform chart's tests.
import { describe, expect, it } from "vitest";
import { controllerPolicyRules, missingPermissions } from "./rbac.ts";

describe("controllerPolicyRules", () => {
  it("covers every call the client makes", () => {
    const needed = [
      ["", "namespaces", "create"],
      ["", "namespaces", "patch"],
      ["", "namespaces", "delete"],
      ["", "resourcequotas", "patch"],
      ["", "limitranges", "create"],
      ["networking.k8s.io", "networkpolicies", "patch"],
      ["", "secrets", "create"],
      ["", "secrets", "delete"],
      ["", "events", "list"],
      ["apps", "statefulsets", "list"],
      ["batch", "jobs", "list"],
      ["", "persistentvolumeclaims", "list"],
    ] as const;
    for (const [g, r, v] of needed) {
      expect(
        missingPermissions(controllerPolicyRules, [{ apiGroups: [g], resources: [r], verbs: [v] }]),
      ).toEqual([]);
    }
  });

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
