// The engine chart versions a controller image carries: charts/<engine>/ (the
// current default) and every charts/archive/<engine>/<version>/ (ADR 008),
// read from their Chart.yaml the way the controller's catalog reads them.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

export const CHARTS_DIR = resolve(import.meta.dirname, "..", "..", "charts");

function versionOf(chartDir: string): string | undefined {
  const file = join(chartDir, "Chart.yaml");
  if (!existsSync(file)) return undefined;
  const version = (parse(readFileSync(file, "utf8")) as { version?: unknown }).version;
  return typeof version === "string" ? version : undefined;
}

/** Semver order of x.y.z[-pre] (a prerelease sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => {
    const [core = "", pre] = v.split("-", 2);
    return { nums: core.split(".").map(Number), pre };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

export interface EngineChartVersions {
  /** charts/<engine>/'s version: what new stores get. */
  current: string;
  /** Every version, oldest first, without duplicates. */
  all: string[];
}

export function engineChartVersions(engine: string, chartsDir = CHARTS_DIR): EngineChartVersions {
  const current = versionOf(join(chartsDir, engine));
  if (!current) throw new Error(`no ${engine} chart in ${chartsDir}`);
  const archive = join(chartsDir, "archive", engine);
  const archived = existsSync(archive)
    ? readdirSync(archive)
        .map((dir) => versionOf(join(archive, dir)))
        .filter((v): v is string => v !== undefined)
    : [];
  return { current, all: [...new Set([current, ...archived])].sort(compareVersions) };
}
