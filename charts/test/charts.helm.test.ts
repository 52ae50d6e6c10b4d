// Level: real helm. Every chart × every values file is linted with --strict and
// rendered, and every rendered object is validated against the Kubernetes schemas.
import { afterAll, describe, expect, it } from "vitest";
import {
  baseArgs,
  CHARTS,
  engineOf,
  helm,
  isEngine,
  KUBE_VERSION,
  namespaceFor,
  render,
  resolveHelm,
  VALUES_FILES,
} from "./helm.ts";
import { schemaErrors } from "./schema.ts";
import { unknownFields } from "./strict-fields.ts";

let validated = 0;

describe("helm binary", () => {
  it("is present (the suite fails rather than skips without it)", () => {
    expect(resolveHelm()).toBeTruthy();
    expect(helm(["version", "--short"]).stdout).toMatch(/^v\d+\./);
  });
});

// Extra renders beyond the plain values files: the variants a user can choose.
const VARIANTS: Record<string, string[][]> = {
  platform: [
    [
      "--set",
      "database.mode=external",
      "--set",
      "database.external.existingSecret=storeplane-database",
    ],
  ],
  woocommerce: [
    ["--set", "imageMode=official"],
    ["--set", "suspended=true"],
    ["--set-string", "plan=medium"],
    ["--set-string", "plan=large"],
  ],
  medusa: [
    ["--set", "suspended=true"],
    ["--set-string", "plan=medium"],
    ["--set-string", "plan=large"],
  ],
};

for (const chart of CHARTS) {
  describe(`chart ${chart}`, () => {
    for (const valuesFile of VALUES_FILES) {
      it(`helm lint --strict with ${valuesFile}`, () => {
        const result = helm([
          "lint",
          "--strict",
          chart,
          "--namespace",
          namespaceFor(chart),
          "--kube-version",
          KUBE_VERSION,
          ...baseArgs(chart, valuesFile),
        ]);
        expect(result.status, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toContain("0 chart(s) failed");
      });

      it(`helm template with ${valuesFile} renders schema-valid objects`, async () => {
        const objects = render(chart, valuesFile);
        expect(objects.length).toBeGreaterThan(3);
        const errors: string[] = [];
        for (const object of objects) {
          const where = `${object.kind}/${object.metadata.name}`;
          for (const error of await schemaErrors(object)) errors.push(`${where}: ${error}`);
          for (const field of unknownFields(object))
            errors.push(`${where}: unknown field ${field}`);
        }
        expect(errors).toEqual([]);
        validated += objects.length;
      });
    }

    for (const variant of VARIANTS[isEngine(chart) ? engineOf(chart) : chart] ?? []) {
      it(`helm template ${variant.join(" ")} renders schema-valid objects`, async () => {
        const objects = render(chart, "values.yaml", variant);
        const errors = [
          ...(await Promise.all(objects.map(schemaErrors))).flat(),
          ...objects.flatMap(unknownFields),
        ];
        expect(errors).toEqual([]);
        validated += objects.length;
      });
    }
  });
}

afterAll(() => {
  console.log(
    `schema-validated ${validated} rendered objects (kubernetes-models OpenAPI schemas, plus unknown fields against the client-node 1.4 models)`,
  );
});

describe("schema validation itself", () => {
  it("rejects a malformed object and an unknown kind (so a pass above means something)", async () => {
    const broken = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "broken" },
      spec: {
        selector: {},
        template: { spec: { containers: [{ name: "a", ports: [{ containerPort: "http" }] }] } },
      },
    };
    expect((await schemaErrors(broken)).join()).toMatch(/containerPort must be integer/);
    expect(
      await schemaErrors({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
    ).toEqual(["no schema for example.com/v1 Widget"]);
  });

  it("reports fields the API does not know (typos the schemas let through)", () => {
    const typo = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "typo", labels: { a: "b" } },
      spec: {
        selector: {},
        template: {
          spec: {
            containers: [{ name: "a", readinesProbe: {}, resources: { limits: { cpu: "1" } } }],
          },
        },
      },
    };
    expect(unknownFields(typo)).toEqual([".spec.template.spec.containers[0].readinesProbe"]);
  });
});
