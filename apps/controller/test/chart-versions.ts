// A charts directory for tests of chart versions: the repository's engine
// charts as the current defaults and its real archive (charts/archive), plus
// an archived earlier WooCommerce version (a copy of the real chart with only
// its version changed), as a controller image would carry them.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { CHARTS_DIR } from "./harness.ts";

/** The version new stores get: whatever charts/<engine>/Chart.yaml says (0.2.0 since issue 16). */
export function defaultChartVersion(engine: "woocommerce" | "medusa"): string {
  return parse(readFileSync(join(CHARTS_DIR, engine, "Chart.yaml"), "utf8")).version;
}

/** The engine charts' first release, kept in charts/archive since 0.2.0. */
export const FIRST_RELEASED_VERSION = "0.1.0";

export const ARCHIVED_VERSION = "0.0.9";

export function chartsWithArchive(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "storeplane-charts-"));
  for (const engine of ["woocommerce", "medusa"])
    cpSync(join(CHARTS_DIR, engine), join(dir, engine), { recursive: true });
  if (existsSync(join(CHARTS_DIR, "archive")))
    cpSync(join(CHARTS_DIR, "archive"), join(dir, "archive"), { recursive: true });
  const archived = join(dir, "archive", "woocommerce", ARCHIVED_VERSION);
  cpSync(join(CHARTS_DIR, "woocommerce"), archived, { recursive: true });
  const chartYaml = join(archived, "Chart.yaml");
  writeFileSync(
    chartYaml,
    readFileSync(chartYaml, "utf8").replace(/^version:.*$/m, `version: ${ARCHIVED_VERSION}`),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Adds `archive/<engine>/<version>` to a charts dir made above: a copy of the
 * current chart whose Chart.yaml says `chartYamlVersion` (default: `version`).
 * A mismatch is a chart the controller refuses to load: a faulty release.
 */
export function addArchivedVersion(
  dir: string,
  engine: "woocommerce" | "medusa",
  version: string,
  chartYamlVersion = version,
): void {
  const archived = join(dir, "archive", engine, version);
  cpSync(join(CHARTS_DIR, engine), archived, { recursive: true });
  const chartYaml = join(archived, "Chart.yaml");
  writeFileSync(
    chartYaml,
    readFileSync(chartYaml, "utf8").replace(/^version:.*$/m, `version: ${chartYamlVersion}`),
  );
}
