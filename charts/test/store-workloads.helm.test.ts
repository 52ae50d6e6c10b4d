// Level: real helm. Each engine chart names the workloads it renders in its
// `storeplane.io/workloads` annotation; the controller reads it (per chart
// version) to tell a Deployment or StatefulSet deleted behind helm's back and
// reinstall the release. That only works if the annotation matches what the
// chart really renders, for every values file, running and suspended.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { STORE_PAUSED_PAGE } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENGINE_CHARTS, render, VALUES_FILES } from "./helm.ts";

const chartsDir = join(import.meta.dirname, "..");

function annotatedWorkloads(chart: string): string[] {
  const meta = parse(readFileSync(join(chartsDir, chart, "Chart.yaml"), "utf8"));
  const listed: string = meta.annotations?.["storeplane.io/workloads"] ?? "";
  return listed
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) => `store-${w}`)
    .sort();
}

const workloadNames = (objects: ReturnType<typeof render>) =>
  objects
    .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
    .map((o) => o.metadata.name)
    .sort();

describe.each(ENGINE_CHARTS)("%s workloads", (chart) => {
  const expected = annotatedWorkloads(chart);

  it("are named in Chart.yaml", () => {
    expect(expected.length).toBeGreaterThan(1);
  });

  describe.each(VALUES_FILES)("with %s", (valuesFile) => {
    it("are exactly the annotated ones, and the paused page on top while suspended", () => {
      expect(workloadNames(render(chart, valuesFile))).toEqual(expected);
      expect(workloadNames(render(chart, valuesFile, ["--set", "suspended=true"]))).toEqual(
        [...expected, STORE_PAUSED_PAGE].sort(),
      );
    });
  });
});
