// Level: unit (a temp charts folder). Which engine chart versions the
// rollout suite can move stores between.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareVersions, engineChartVersions } from "../src/chart-versions.ts";

const dir = mkdtempSync(join(tmpdir(), "chart-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function chart(path: string, version: string) {
  mkdirSync(join(dir, path), { recursive: true });
  writeFileSync(join(dir, path, "Chart.yaml"), `apiVersion: v2\nname: x\nversion: ${version}\n`);
}

describe("engine chart versions", () => {
  it("orders versions as semver (numbers, then prereleases first)", () => {
    expect(["0.10.0", "0.2.0", "0.2.0-rc.1", "1.0.0"].sort(compareVersions)).toEqual([
      "0.2.0-rc.1",
      "0.2.0",
      "0.10.0",
      "1.0.0",
    ]);
  });

  it("lists the current chart and the archived ones, oldest first", () => {
    chart("medusa", "0.3.0");
    chart("archive/medusa/0.1.0", "0.1.0");
    chart("archive/medusa/0.2.0", "0.2.0");
    expect(engineChartVersions("medusa", dir)).toEqual({
      current: "0.3.0",
      all: ["0.1.0", "0.2.0", "0.3.0"],
    });
  });

  it("has one version when nothing is archived, and refuses a missing engine", () => {
    chart("woocommerce", "0.1.0");
    expect(engineChartVersions("woocommerce", dir).all).toEqual(["0.1.0"]);
    expect(() => engineChartVersions("nope", dir)).toThrow(/no nope chart/);
  });
});
