// What a store should look like in the cluster, computed from its row and the
// controller's configuration: namespace labels, guardrails, the Helm release
// (with the digest that decides whether helm must run) and its URLs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Store, type StoreSite, storeUrls } from "@storeplane/db";
import {
  buildGuardrails,
  expectedGuardrails,
  type KubeObject,
  LABELS,
  PLATFORM_NAME,
  type ReleaseSpec,
  STORE_RELEASE_NAME,
  STORE_SECRET_NAME,
  type StoreChartValues,
  shortDigest,
  storeNamespace,
  storeNamespaceLabels,
} from "@storeplane/k8s";
import { parse as parseYaml } from "yaml";
import type { ControllerConfig } from "./env.ts";
import { planLimits } from "./plans.ts";
import { TerminalError } from "./reconcile/errors.ts";

export type DesiredConfig = Pick<
  ControllerConfig,
  | "chartsDir"
  | "valuesProfile"
  | "baseDomain"
  | "urlScheme"
  | "ingressNamespace"
  | "helmTimeoutSeconds"
> &
  Partial<Pick<ControllerConfig, "storeImagePullSecret">>;

export interface DesiredStore {
  namespace: string;
  namespaceLabels: Record<string, string>;
  guardrails: KubeObject[];
  /** `${kind}/${name}` → spec digest, as a snapshot shows them. */
  expectedGuardrails: Record<string, string>;
  secretName: string;
  secretLabels: Record<string, string>;
  /** The registry pull Secret to copy into the namespace (same name there), or null. */
  pullSecret: { namespace: string; name: string } | null;
  release: ReleaseSpec;
  /** The engine chart version this store is assigned (its own, or the default when it has none yet). */
  chartVersion: string;
  /** The Deployments and StatefulSets that chart version renders (release-prefixed names). */
  workloads: string[];
  storeUrl: string;
  adminUrl: string;
}

interface ChartFiles {
  chartDir: string;
  valuesFile: string;
  chartVersion: string;
  valuesFileContent: string;
  /** The chart's `storeplane.io/workloads` annotation: what it renders, by name suffix. */
  workloads: string[];
  /** The chart's `storeplane.io/health-*` annotations (since 0.2.0); null when it has none. */
  health: { service: string; port: string; path: string } | null;
}

const NO_CHART: ChartFiles = {
  chartDir: "",
  valuesFile: "",
  chartVersion: "unknown",
  valuesFileContent: "",
  workloads: [],
  health: null,
};

/** Chart versions are file names here: nothing that could leave the charts directory. */
const CHART_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;

/**
 * The engine charts the controller image carries (docs/decisions/008-chart-versions-and-rollouts.md):
 * `<chartsDir>/<engine>` is the current default version; earlier versions
 * stores may still be assigned live unchanged under
 * `<chartsDir>/archive/<engine>/<version>`. Chart version and values file are
 * read once per engine, version and profile: they only change with a new
 * controller image, and a steady sweep must not touch disk.
 */
export class ChartCatalog {
  private readonly cache = new Map<string, ChartFiles>();
  constructor(
    private readonly chartsDir: string,
    private readonly profile: string,
  ) {}

  tryGet(engine: string, version?: string | null): ChartFiles | null {
    try {
      return this.get(engine, version);
    } catch {
      return null;
    }
  }

  /** The version new stores are assigned: the one in `<chartsDir>/<engine>`. */
  defaultVersion(engine: string): string {
    return this.read(engine, join(this.chartsDir, engine)).chartVersion;
  }

  /** The chart files of `version` (the default when null or absent). */
  get(engine: string, version?: string | null): ChartFiles {
    const current = this.read(engine, join(this.chartsDir, engine));
    if (!version || version === current.chartVersion) return current;
    if (!CHART_VERSION.test(version))
      throw new TerminalError("ChartVersionInvalid", `chart version "${version}" is not a version`);
    const archived = join(this.chartsDir, "archive", engine, version);
    const files = this.read(engine, archived, version);
    if (files.chartVersion !== version)
      throw new TerminalError(
        "ChartVersionMismatch",
        `${archived}/Chart.yaml says version ${files.chartVersion}, not ${version}`,
      );
    return files;
  }

  private read(engine: string, chartDir: string, version?: string): ChartFiles {
    const cached = this.cache.get(chartDir);
    if (cached) return cached;
    const valuesFile = join(chartDir, `values-${this.profile}.yaml`);
    let chartYaml: string;
    let valuesFileContent: string;
    try {
      chartYaml = readFileSync(join(chartDir, "Chart.yaml"), "utf8");
      valuesFileContent = readFileSync(valuesFile, "utf8");
    } catch (error) {
      throw new TerminalError(
        version ? "ChartVersionMissing" : "ChartMissing",
        version
          ? `chart version ${version} for engine "${engine}" is not in this controller image (looked in ${chartDir})`
          : `chart for engine "${engine}" not readable under ${chartDir}`,
        { cause: error },
      );
    }
    const chart = parseYaml(chartYaml) as {
      version?: unknown;
      annotations?: Record<string, unknown>;
    } | null;
    const chartVersion = typeof chart?.version === "string" ? chart.version : "unknown";
    const listed = chart?.annotations?.["storeplane.io/workloads"];
    const workloads =
      typeof listed === "string"
        ? listed
            .split(",")
            .map((w) => w.trim())
            .filter(Boolean)
        : [];
    const files = {
      chartDir,
      valuesFile,
      chartVersion,
      valuesFileContent,
      workloads,
      health: healthAnnotations(chart?.annotations ?? {}),
    };
    this.cache.set(chartDir, files);
    return files;
  }
}

/**
 * The engine's health check as its chart names it: the Service (by suffix,
 * as the release prefixes it), port and absolute path. All three or nothing:
 * charts before 0.2.0 name none, and their gate goes by readiness alone.
 */
function healthAnnotations(a: Record<string, unknown>): ChartFiles["health"] {
  const service = a["storeplane.io/health-service"];
  const port = a["storeplane.io/health-port"];
  const path = a["storeplane.io/health-path"];
  if (typeof service !== "string" || typeof port !== "string" || typeof path !== "string")
    return null;
  if (!path.startsWith("/")) return null;
  return { service: `${STORE_RELEASE_NAME}-${service}`, port, path };
}

/** The controller's store site (STORE_URL_SCHEME, STORE_BASE_DOMAIN), for the one storeUrls rule. */
export function storeSite(config: Pick<DesiredConfig, "baseDomain" | "urlScheme">): StoreSite {
  return { scheme: config.urlScheme, baseDomain: config.baseDomain };
}

/** A store's Helm release as the loop installs it, for code beside the loop (the restore runner). */
export function storeReleaseOf(
  config: DesiredConfig,
  charts: ChartCatalog,
): (store: Store) => ReleaseSpec {
  return (store) => desiredStore(store, config, charts).release;
}

export function desiredStore(
  store: Store,
  config: DesiredConfig,
  charts: ChartCatalog,
): DesiredStore {
  const namespace = storeNamespace(store.name);
  const { host, storeUrl, adminUrl } = storeUrls(store, storeSite(config));
  const ownLabels = {
    [LABELS.storeId]: store.id,
    [LABELS.storeName]: store.name,
    [LABELS.engine]: store.engine,
  };
  const guardrails = buildGuardrails({
    namespace,
    limits: planLimits(store.plan),
    ingressNamespace: config.ingressNamespace,
  });
  // Deleting a store must not depend on its chart still being readable.
  // The store's assigned version, never merely whatever chart is on disk.
  const chart = store.deletion_requested_at
    ? (charts.tryGet(store.engine, store.chart_version) ?? NO_CHART)
    : charts.get(store.engine, store.chart_version);
  const values: StoreChartValues = {
    store: { id: store.id, name: store.name, host, url: storeUrl },
    existingSecret: STORE_SECRET_NAME,
    plan: store.plan,
    ...(store.suspended ? { suspended: true as const } : {}),
    ...(config.storeImagePullSecret
      ? { imagePullSecrets: [{ name: config.storeImagePullSecret.name }] }
      : {}),
  };
  const valuesDigest = shortDigest({
    chartVersion: chart.chartVersion,
    valuesFile: chart.valuesFileContent,
    values,
  });
  return {
    namespace,
    namespaceLabels: storeNamespaceLabels(ownLabels),
    guardrails,
    expectedGuardrails: expectedGuardrails(guardrails),
    secretName: STORE_SECRET_NAME,
    secretLabels: {
      ...ownLabels,
      [LABELS.managedBy]: PLATFORM_NAME,
      [LABELS.partOf]: PLATFORM_NAME,
    },
    pullSecret: config.storeImagePullSecret ?? null,
    release: {
      namespace,
      release: STORE_RELEASE_NAME,
      chart: chart.chartDir,
      valuesFiles: [chart.valuesFile],
      values: values as unknown as Record<string, unknown>,
      valuesDigest,
      timeoutSeconds: config.helmTimeoutSeconds,
    },
    chartVersion: chart.chartVersion,
    workloads: chart.workloads.map((w) => `${STORE_RELEASE_NAME}-${w}`),
    storeUrl,
    adminUrl,
  };
}
