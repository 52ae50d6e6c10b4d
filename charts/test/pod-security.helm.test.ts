// Level: real helm. Store namespaces enforce Pod Security `restricted`, so every
// pod every engine chart renders, for every plan, values file and image mode,
// must meet it: a pod that does not is rejected by admission and the store
// never comes up. The label the controller sets and the production guide must
// say the same level.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { POD_SECURITY_LABELS } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { ENGINE_CHARTS, render, repoRoot, VALUES_FILES } from "./helm.ts";
import { restrictedViolations } from "./pod-security.ts";
import { podSpec } from "./workloads.ts";

const PLANS = ["small", "medium", "large"] as const;
const cases = ENGINE_CHARTS.flatMap((chart) =>
  VALUES_FILES.flatMap((valuesFile) =>
    PLANS.map((plan) => ({ chart, valuesFile, plan, extra: [] as string[] })),
  ),
);
cases.push({
  chart: "woocommerce",
  valuesFile: "values.yaml",
  plan: "small",
  extra: ["--set", "imageMode=official"],
});

describe.each(cases)(
  "$chart $valuesFile plan=$plan $extra",
  ({ chart, valuesFile, plan, extra }) => {
    it("renders only pods that meet Pod Security `restricted`", () => {
      const objects = render(chart, valuesFile, ["--set-string", `plan=${plan}`, ...extra]);
      const pods = objects.filter((o) => podSpec(o));
      expect(pods.length).toBeGreaterThan(0);
      const violations = pods.flatMap((o) =>
        restrictedViolations(podSpec(o), o.spec.template?.metadata?.annotations).map(
          (v) => `${o.kind}/${o.metadata.name}: ${v}`,
        ),
      );
      expect(violations).toEqual([]);
    });
  },
);

describe("the restricted checker itself", () => {
  it("reports what the standard forbids (so a pass above means something)", () => {
    const pod = {
      hostNetwork: true,
      securityContext: { sysctls: [{ name: "kernel.msgmax", value: "1" }] },
      volumes: [{ name: "host", hostPath: { path: "/" } }],
      initContainers: [{ name: "init", securityContext: { allowPrivilegeEscalation: false } }],
      containers: [
        {
          name: "app",
          ports: [{ containerPort: 80, hostPort: 80 }],
          securityContext: {
            runAsUser: 0,
            allowPrivilegeEscalation: false,
            seccompProfile: { type: "Unconfined" },
            capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "CHOWN"] },
          },
        },
      ],
    };
    const found = restrictedViolations(pod).join("\n");
    for (const expected of [
      "hostNetwork must be false",
      "sysctl kernel.msgmax",
      "volume host has type hostPath",
      "container init runAsNonRoot must be true",
      "container init seccompProfile must be",
      "container init capabilities.drop must include ALL",
      "container app hostPort 80",
      "container app runAsUser must not be 0",
      "container app seccompProfile.type Unconfined",
      "container app adds capability NET_ADMIN",
      "container app adds capability CHOWN",
    ])
      expect(found).toContain(expected);
  });

  it("accepts a pod that sets the restricted fields at pod level", () => {
    const pod = {
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "app",
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
          },
        },
      ],
    };
    expect(restrictedViolations(pod)).toEqual([]);
  });
});

describe("store namespaces enforce `restricted`", () => {
  it("the controller labels store namespaces with enforce=restricted (packages/k8s namespace-labels.ts)", () => {
    expect(POD_SECURITY_LABELS["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(POD_SECURITY_LABELS["pod-security.kubernetes.io/warn"]).toBe("restricted");
    expect(POD_SECURITY_LABELS["pod-security.kubernetes.io/audit"]).toBe("restricted");
  });

  it("docs/production.md states the level the code enforces", () => {
    const doc = readFileSync(join(repoRoot, "docs", "production.md"), "utf8");
    const level = POD_SECURITY_LABELS["pod-security.kubernetes.io/enforce"];
    expect(doc).toContain(`pod-security.kubernetes.io/enforce: ${level}`);
    expect(doc).not.toMatch(/can\s+enforce/);
  });
});
