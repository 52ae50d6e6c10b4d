// Level: unit (reads a temporary charts directory). Which chart a store gets:
// its assigned version, from the default chart or the image's archive, and
// a clear terminal error for a version the image does not carry.
import { afterAll, describe, expect, it } from "vitest";
import {
  ARCHIVED_VERSION,
  chartsWithArchive,
  defaultChartVersion,
  FIRST_RELEASED_VERSION,
} from "../test/chart-versions.ts";
import { desiredConfig, storeRow } from "../test/fixtures.ts";
import { ChartCatalog, desiredStore } from "./desired.ts";
import { TerminalError } from "./reconcile/errors.ts";

const charts = chartsWithArchive();
afterAll(() => charts.remove());
const catalog = new ChartCatalog(charts.dir, "local");
const config = { ...desiredConfig, chartsDir: charts.dir };

describe("ChartCatalog and the store's assigned chart version", () => {
  it("a store with no version yet gets the default, the chart in <charts>/<engine>", () => {
    expect(catalog.defaultVersion("woocommerce")).toBe(defaultChartVersion("woocommerce"));
    const desired = desiredStore(storeRow({ chart_version: null }), config, catalog);
    expect(desired.chartVersion).toBe(defaultChartVersion("woocommerce"));
    expect(desired.release.chart).toBe(`${charts.dir}/woocommerce`);
  });

  it("a store assigned an archived version gets that chart, with a different values digest", () => {
    const current = desiredStore(
      storeRow({ chart_version: defaultChartVersion("woocommerce") }),
      config,
      catalog,
    );
    const older = desiredStore(storeRow({ chart_version: ARCHIVED_VERSION }), config, catalog);
    expect(older.chartVersion).toBe(ARCHIVED_VERSION);
    expect(older.release.chart).toBe(`${charts.dir}/archive/woocommerce/${ARCHIVED_VERSION}`);
    expect(older.release.valuesFiles).toEqual([
      `${charts.dir}/archive/woocommerce/${ARCHIVED_VERSION}/values-local.yaml`,
    ]);
    expect(older.release.valuesDigest).not.toBe(current.release.valuesDigest);
  });

  it.each(["woocommerce", "medusa"] as const)(
    "%s: the released first version is carried in the archive, next to the default",
    (engine) => {
      expect(defaultChartVersion(engine)).not.toBe(FIRST_RELEASED_VERSION);
      const first = desiredStore(
        storeRow({ engine, chart_version: FIRST_RELEASED_VERSION }),
        config,
        catalog,
      );
      expect(first.chartVersion).toBe(FIRST_RELEASED_VERSION);
      expect(first.release.chart).toBe(`${charts.dir}/archive/${engine}/${FIRST_RELEASED_VERSION}`);
      expect(first.workloads.length).toBeGreaterThan(1);
    },
  );

  it("the health check comes from the chart version's annotations; the first release names none", () => {
    expect(catalog.get("medusa").health).toEqual({
      service: "store-medusa",
      port: "http",
      path: "/health",
    });
    expect(catalog.get("woocommerce").health).toMatchObject({ service: "store-wordpress" });
    expect(catalog.get("medusa", FIRST_RELEASED_VERSION).health).toBeNull();
  });

  it.each([
    [
      "9.9.9",
      "ChartVersionMissing",
      /chart version 9\.9\.9 for engine "woocommerce" is not in this controller image/,
    ],
    ["../../etc", "ChartVersionInvalid", /is not a version/],
  ])("version %s is a terminal %s", (version, reason, message) => {
    const error = (() => {
      try {
        desiredStore(storeRow({ chart_version: version }), config, catalog);
      } catch (caught) {
        return caught;
      }
      throw new Error("expected a TerminalError");
    })();
    expect(error).toBeInstanceOf(TerminalError);
    expect(error).toMatchObject({
      conditionReason: reason,
      message: expect.stringMatching(message),
    });
  });

  it("deleting a store never needs its chart, whatever version it was assigned", () => {
    const desired = desiredStore(
      storeRow({ chart_version: "9.9.9", deletion_requested_at: new Date() }),
      config,
      catalog,
    );
    expect(desired.release.chart).toBe("");
  });
});
