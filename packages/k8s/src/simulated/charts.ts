// What an engine chart creates, for the simulated helm: the objects the real
// charts render (charts/<engine>/templates, names as `helm template store`
// prints them with values-local.yaml), so the controller's readers see the
// same names and labels on both clusters. The chart is identified the way
// helm does it, by reading <chart>/Chart.yaml; a missing chart fails with
// helm's own words ("Error: path … not found").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { LABELS, PLATFORM_NAME, STORE_PAUSED_PAGE, STORE_RELEASE_NAME } from "../store-contract.ts";
import type { SimObject } from "./object-store.ts";

export interface ContainerPlan {
  name: string;
  image: string;
}

export interface WorkloadPlan {
  kind: "Deployment" | "StatefulSet";
  /** Suffix after `<release>-`. */
  name: string;
  component: string;
  containers: ContainerPlan[];
  /** volumeClaimTemplates: PVCs `<claim>-<release>-<name>-0`, made by the StatefulSet controller. */
  claims: string[];
}

export interface ChartPlan {
  name: string;
  version: string;
  appVersion: string;
  workloads: WorkloadPlan[];
  /** The setup Job, named `<release>-setup-r<revision>` (a new Job per revision). */
  job: ContainerPlan[];
  /** PVCs the chart itself renders (deleted by helm uninstall). */
  pvcs: string[];
  services: string[];
  configMaps: string[];
  /** The workload whose image an image-pull fault replaces: the engine's own app. */
  app: string;
}

const PLANS: Record<string, Omit<ChartPlan, "version" | "appVersion">> = {
  // charts/woocommerce/templates: wordpress.yaml, mariadb.yaml, setup-job.yaml.
  woocommerce: {
    name: "woocommerce",
    workloads: [
      {
        kind: "StatefulSet",
        name: "mariadb",
        component: "database",
        containers: [{ name: "mariadb", image: "docker.io/library/mariadb:11.4.8" }],
        claims: ["data"],
      },
      {
        kind: "Deployment",
        name: "wordpress",
        component: "web",
        containers: [{ name: "wordpress", image: "storeplane/woocommerce:dev" }],
        claims: [],
      },
    ],
    job: [{ name: "setup", image: "storeplane/woocommerce:dev" }],
    pvcs: ["wordpress"],
    services: ["mariadb", "wordpress"],
    configMaps: ["setup-script"],
    app: "wordpress",
  },
  // charts/medusa/templates: medusa.yaml, postgres.yaml, redis.yaml, setup-job.yaml.
  medusa: {
    name: "medusa",
    workloads: [
      {
        kind: "StatefulSet",
        name: "postgres",
        component: "database",
        containers: [{ name: "postgres", image: "docker.io/library/postgres:17.6" }],
        claims: ["data"],
      },
      {
        kind: "Deployment",
        name: "redis",
        component: "cache",
        containers: [{ name: "redis", image: "docker.io/library/redis:7.4.6-alpine" }],
        claims: [],
      },
      {
        kind: "Deployment",
        name: "medusa",
        component: "web",
        containers: [{ name: "medusa", image: "storeplane/medusa:dev" }],
        claims: [],
      },
    ],
    job: [{ name: "setup", image: "storeplane/medusa:dev" }],
    pvcs: [],
    services: ["medusa", "postgres", "redis"],
    configMaps: [],
    app: "medusa",
  },
};

export const PVC_PROTECTION = "kubernetes.io/pvc-protection";

export class ChartNotLoadable extends Error {
  constructor(readonly stderr: string) {
    super(stderr);
  }
}

const cache = new Map<string, ChartPlan>();

/** Reads <chart>/Chart.yaml as helm does; throws ChartNotLoadable with helm's stderr. */
export function loadChart(chartPath: string): ChartPlan {
  const cached = cache.get(chartPath);
  if (cached) return cached;
  let meta: { name?: string; version?: string; appVersion?: string };
  try {
    meta = parse(readFileSync(join(chartPath, "Chart.yaml"), "utf8")) ?? {};
  } catch {
    throw new ChartNotLoadable(`Error: path "${chartPath}" not found`);
  }
  const plan = meta.name ? PLANS[meta.name] : undefined;
  if (!plan)
    throw new Error(
      `simulated cluster: no simulation for chart "${meta.name}" (known: ${Object.keys(PLANS).join(", ")})`,
    );
  const loaded = {
    ...plan,
    version: String(meta.version ?? "0.0.0"),
    appVersion: String(meta.appVersion ?? ""),
  };
  cache.set(chartPath, loaded);
  return loaded;
}

export interface RenderContext {
  release: string;
  namespace: string;
  revision: number;
  /** `values.store` from the controller (StoreChartValues). */
  store: { id?: string; name?: string; host?: string };
  /** `values.suspended`: every workload at zero replicas, no setup Job, the paused page served. */
  suspended?: boolean;
}

// charts/<engine>/templates/paused.yaml: one small static web server.
const PAUSED_SUFFIX = STORE_PAUSED_PAGE.slice(STORE_RELEASE_NAME.length + 1);
const PAUSED_WORKLOAD: WorkloadPlan = {
  kind: "Deployment",
  name: PAUSED_SUFFIX,
  component: "paused-page",
  containers: [{ name: "paused", image: "docker.io/library/busybox:1.37.0" }],
  claims: [],
};

/** Labels the charts' helpers put on every object (`wc.labels` / `medusa.labels`). */
export function chartLabels(plan: ChartPlan, ctx: RenderContext): Record<string, string> {
  return {
    "app.kubernetes.io/name": plan.name,
    "app.kubernetes.io/instance": ctx.release,
    "app.kubernetes.io/version": plan.appVersion,
    [LABELS.managedBy]: "Helm",
    [LABELS.partOf]: PLATFORM_NAME,
    "helm.sh/chart": `${plan.name}-${plan.version}`,
    [LABELS.engine]: plan.name,
    [LABELS.storeId]: ctx.store.id ?? "",
    [LABELS.storeName]: ctx.store.name ?? "",
  };
}

/** The rendered manifest: what `helm upgrade --install` creates or updates. */
export function renderChart(plan: ChartPlan, ctx: RenderContext): SimObject[] {
  const labels = chartLabels(plan, ctx);
  const metadata = (name: string, extra: Record<string, string> = {}) => ({
    name: `${ctx.release}-${name}`,
    namespace: ctx.namespace,
    labels: { ...labels, ...extra },
    annotations: {
      "meta.helm.sh/release-name": ctx.release,
      "meta.helm.sh/release-namespace": ctx.namespace,
    },
  });
  const template = (component: string, containers: ContainerPlan[]) => ({
    metadata: { labels: { ...labels, "app.kubernetes.io/component": component } },
    spec: { containers: containers.map((c) => ({ name: c.name, image: c.image })) },
  });
  const out: SimObject[] = [];
  const suspended = ctx.suspended === true;
  for (const w of suspended ? [...plan.workloads, PAUSED_WORKLOAD] : plan.workloads) {
    const spec: Record<string, unknown> = {
      replicas: suspended && w !== PAUSED_WORKLOAD ? 0 : 1,
      selector: {
        matchLabels: {
          "app.kubernetes.io/instance": ctx.release,
          "app.kubernetes.io/component": w.component,
        },
      },
      template: template(w.component, w.containers),
    };
    if (w.kind === "StatefulSet") {
      spec.serviceName = `${ctx.release}-${w.name}`;
      // The charts delete the database volume with the StatefulSet.
      spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" };
      spec.volumeClaimTemplates = w.claims.map((c) => ({ metadata: { name: c, labels } }));
    }
    out.push({
      apiVersion: "apps/v1",
      kind: w.kind,
      metadata: metadata(w.name, { "app.kubernetes.io/component": w.component }),
      spec,
      status: {},
    });
  }
  // A suspended store's databases are down: the charts render no setup Job then.
  if (!suspended)
    out.push({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: metadata(`setup-r${ctx.revision}`, { "app.kubernetes.io/component": "setup" }),
      spec: { backoffLimit: 3, template: template("setup", plan.job) },
      status: {},
    });
  for (const name of plan.pvcs)
    out.push({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      // Added by the API server's PVC-protection admission plugin on create.
      metadata: { ...metadata(name), finalizers: [PVC_PROTECTION] },
      spec: {},
      status: { phase: "Bound" },
    });
  const extra = suspended ? [PAUSED_SUFFIX] : [];
  for (const name of [...plan.services, ...extra])
    out.push({ apiVersion: "v1", kind: "Service", metadata: metadata(name), spec: {} });
  for (const name of [...plan.configMaps, ...extra])
    out.push({ apiVersion: "v1", kind: "ConfigMap", metadata: metadata(name), data: {} });
  out.push({
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: metadata(plan.name),
    spec: { rules: [{ host: ctx.store.host ?? "" }] },
  });
  return out;
}
