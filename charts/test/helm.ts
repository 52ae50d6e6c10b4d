// The real helm binary and rendering helpers shared by the chart suites.
// Resolution order: $HELM_BIN, the repo's .tools/bin/helm (the pinned Helm 4
// the root postinstall installs, which `npm run up` also puts first), then
// `helm` on PATH. No helm means the suite fails: a chart suite that silently
// skips would pass without proving anything.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const chartsDir = resolve(import.meta.dirname, "..");

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

export function resolveHelm(): string {
  const candidates = [
    process.env.HELM_BIN,
    join(repoRoot, ".tools", "bin", "helm"),
    findOnPath("helm"),
  ].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    if (spawnSync(candidate, ["version", "--short"], { stdio: "ignore" }).status === 0)
      return candidate;
  }
  throw new Error(
    `helm not found: tried $HELM_BIN, ${join(repoRoot, ".tools", "bin", "helm")} and helm on PATH. ` +
      "Run `npm install` (its postinstall fetches helm) or set HELM_BIN.",
  );
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function helm(args: string[]): HelmResult {
  const result = spawnSync(resolveHelm(), args, {
    cwd: chartsDir,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A Kubernetes object as rendered; only the fields the tests read are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are arbitrary JSON, narrowed where read
  [key: string]: any;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0)
        throw new Error(`invalid YAML from helm: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
}

export const ENGINES = ["woocommerce", "medusa"] as const;
export type Engine = (typeof ENGINES)[number];
/** An engine chart directory: the current version, or an archived one (`archive/<engine>/<version>`). */
export type EngineChart = Engine | `archive/${Engine}/${string}`;
export type ChartName = "platform" | EngineChart;

/**
 * Every archived engine chart version the controller image carries
 * (charts/archive, ADR 008): stores may be assigned any of them, so every
 * suite that renders the engine charts renders these too.
 */
function archivedEngineCharts(): EngineChart[] {
  return ENGINES.flatMap((engine) => {
    const dir = join(chartsDir, "archive", engine);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `archive/${engine}/${d.name}` as const)
      .sort();
  });
}

/** The current engine charts, then every archived version of them. */
export const ENGINE_CHARTS: readonly EngineChart[] = [...ENGINES, ...archivedEngineCharts()];
export const CHARTS: readonly ChartName[] = ["platform", ...ENGINE_CHARTS];

/** The engine an engine chart directory is a version of. */
export function engineOf(chart: EngineChart): Engine {
  return (chart.startsWith("archive/") ? chart.split("/")[1] : chart) as Engine;
}
export const VALUES_FILES = ["values.yaml", "values-local.yaml", "values-prod.yaml"] as const;

/** What the controller passes to every engine chart (StoreChartValues). */
export const STORE_VALUES = {
  "store.id": "st_01hx7k2m",
  "store.name": "shop",
  "store.host": "shop.localhost",
  "store.url": "http://shop.localhost",
  existingSecret: "store-credentials",
  plan: "small",
} as const;

export function isEngine(chart: ChartName): chart is EngineChart {
  return chart !== "platform";
}

export function setArgs(values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([key, value]) => ["--set-string", `${key}=${value}`]);
}

/** The arguments every render of `chart` gets: the values file, and the store values for engines. */
export function baseArgs(chart: ChartName, valuesFile: string): string[] {
  const files = valuesFile === "values.yaml" ? [] : ["-f", join(chart, valuesFile)];
  return [...files, ...(isEngine(chart) ? setArgs(STORE_VALUES) : [])];
}

export function namespaceFor(chart: ChartName): string {
  return isEngine(chart) ? "store-shop" : "storeplane";
}

export function releaseFor(chart: ChartName): string {
  return isEngine(chart) ? "store" : "storeplane";
}

/** The Kubernetes version we target: kind v0.30's and k3s's current minor. */
export const KUBE_VERSION = "1.34.0";

export function template(chart: ChartName, args: string[]): HelmResult {
  return helm([
    "template",
    releaseFor(chart),
    chart,
    "--namespace",
    namespaceFor(chart),
    "--kube-version",
    KUBE_VERSION,
    ...args,
  ]);
}

/** Render or throw with helm's own error. */
export function render(chart: ChartName, valuesFile: string, extra: string[] = []): K8sObject[] {
  const result = template(chart, [...baseArgs(chart, valuesFile), ...extra]);
  if (result.status !== 0)
    throw new Error(`helm template ${chart} (${valuesFile}) failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}
