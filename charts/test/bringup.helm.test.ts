// Level: real helm. The contracts between the pieces `npm run up` (and the k3s
// install in docs/production.md) put together, checked on what they really
// render: Traefik's chart from the fixture with infra/traefik-values.yaml, the
// platform chart with values-local.yaml, and each engine chart for each plan.
// Each block names the real behaviour it relies on.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildGuardrails, PLAN_LIMITS } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import {
  ENGINE_CHARTS,
  helm,
  type K8sObject,
  KUBE_VERSION,
  parseManifests,
  render,
  repoRoot,
  VALUES_FILES,
} from "./helm.ts";
import { peakUsage, QUOTA_KEYS } from "./quota-usage.ts";
import { type Json, podSpec, quantity } from "./workloads.ts";

const PLANS = ["small", "medium", "large"] as const;
const read = (...parts: string[]) => readFileSync(join(repoRoot, ...parts), "utf8");
const upSh = read("scripts", "up.sh");

// --- what infra/kind-config.yaml maps: host port -> node (container) port ---
const kindConfig = parse(read("infra", "kind-config.yaml"));
const hostToNodePort = new Map<number, number>(
  kindConfig.nodes.flatMap((n: Json) =>
    (n.extraPortMappings ?? []).map((m: Json) => [m.hostPort, m.containerPort]),
  ),
);

// --- Traefik from the fixture (in CI a copy of shared/ sits beside the clone) ---
const fixturesDir = join(repoRoot, "..", "shared", "fixtures");
const traefikFixture = existsSync(fixturesDir)
  ? readdirSync(fixturesDir).find((f) => /^traefik-[0-9.]+\.tgz$/.test(f))
  : undefined;
// infra/tool-versions.env: the versions up.sh (which sources it) and the workflow use.
const toolVersions = Object.fromEntries(
  [...read("infra", "tool-versions.env").matchAll(/^([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]),
) as Record<string, string>;
const pinnedTraefik = toolVersions.TRAEFIK_CHART_VERSION;

function renderTraefik(): K8sObject[] {
  const result = helm([
    "template",
    "traefik",
    join(fixturesDir, traefikFixture as string),
    "--namespace",
    "traefik",
    "--kube-version",
    KUBE_VERSION,
    "-f",
    join(repoRoot, "infra", "traefik-values.yaml"),
  ]);
  if (result.status !== 0) throw new Error(`helm template traefik failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}
const traefik = traefikFixture ? renderTraefik() : [];

// --- what the bring-up installs for the platform and for stores (kind) ---
const platformLocal = render("platform", "values-local.yaml");
const enginesFor = (valuesFile: string) =>
  ENGINE_CHARTS.flatMap((chart) =>
    PLANS.map((plan) => ({
      chart,
      plan,
      valuesFile,
      objects: render(chart, valuesFile, ["--set-string", `plan=${plan}`]),
    })),
  );
const enginesLocal = enginesFor("values-local.yaml");
const enginesProd = enginesFor("values-prod.yaml");

const withTraefik = traefikFixture ? describe : describe.skip;
withTraefik(
  traefikFixture
    ? `Traefik (${traefikFixture}) with infra/traefik-values.yaml`
    : `Traefik with infra/traefik-values.yaml — skipped: no traefik-*.tgz in ${fixturesDir}`,
  () => {
    it("is the chart version scripts/up.sh installs", () => {
      const chart = parse(
        helm(["show", "chart", join(fixturesDir, traefikFixture as string)]).stdout,
      );
      expect(pinnedTraefik, "TRAEFIK_CHART_VERSION in infra/tool-versions.env").toBe(chart.version);
      expect(upSh).toMatch(/source "\$ROOT\/infra\/tool-versions\.env"/);
    });

    // kind has no load balancer: a LoadBalancer Service never gets an address,
    // Helm 3's --wait waits for one forever, and the host ports reach the node
    // only on the NodePorts kind-config maps.
    it("exposes the ingress Service as NodePort on exactly the node ports kind maps to host 80/443", () => {
      const services = traefik.filter((o) => o.kind === "Service");
      expect(services).toHaveLength(1);
      const service = services[0] as K8sObject;
      expect(service.spec.type).toBe("NodePort");
      for (const hostPort of [80, 443]) {
        const nodePort = hostToNodePort.get(hostPort);
        expect(nodePort, `infra/kind-config.yaml maps host port ${hostPort}`).toBeDefined();
        const port = service.spec.ports.find((p: Json) => p.nodePort === nodePort);
        expect(port, `a Service port on nodePort ${nodePort}`).toBeDefined();
        expect(port.port).toBe(hostPort);
        expect(port.targetPort).toBe(hostPort === 80 ? "web" : "websecure");
      }
      expect(service.spec.ports.map((p: Json) => p.nodePort).sort(), "no other node ports").toEqual(
        [...hostToNodePort.values()].sort(),
      );
    });

    it("watches Ingress objects and serves the IngressClass every local Ingress names", () => {
      const args: string[] = traefik
        .filter((o) => o.kind === "Deployment")
        .flatMap((o) => o.spec.template.spec.containers.flatMap((c: Json) => c.args ?? []));
      expect(args).toContain("--providers.kubernetesingress");
      const classes = new Set(
        traefik
          .filter(
            (o) =>
              o.kind === "IngressClass" && o.spec.controller === "traefik.io/ingress-controller",
          )
          .map((o) => o.metadata.name),
      );
      const used = [platformLocal, ...enginesLocal.map((e) => e.objects)]
        .flat()
        .filter((o) => o.kind === "Ingress")
        .map((o) => `${o.metadata.name}:${o.spec.ingressClassName}`);
      expect(used.length).toBeGreaterThan(0);
      for (const entry of used) expect(classes.has(entry.split(":")[1] ?? ""), entry).toBe(true);
    });
  },
);

// k3s installs Traefik with an IngressClass named "traefik" (its bundled
// HelmChart, manifests/traefik.yaml: ingressClass enabled, default class).
const K3S_INGRESS_CLASSES = new Set(["traefik"]);
describe("production (k3s) Ingresses", () => {
  it("use the IngressClass k3s's Traefik provides", () => {
    const prod = [render("platform", "values-prod.yaml"), ...enginesProd.map((e) => e.objects)]
      .flat()
      .filter((o) => o.kind === "Ingress");
    expect(prod.length).toBeGreaterThan(0);
    for (const o of prod) expect(K3S_INGRESS_CLASSES.has(o.spec.ingressClassName)).toBe(true);
  });
});

// --- images: everything the local values run that is not pulled from a registry ---
const built = [...upSh.matchAll(/^\s*build\s+(\S+)\s+(\S+)\s+(\S+)\s*$/gm)].map((m) => ({
  repository: (m[1] as string).split(":")[0] as string,
  dockerfile: m[2] as string,
  context: m[3] as string,
}));

function images(objects: K8sObject[]): { image: string; pullPolicy: string; where: string }[] {
  return objects.flatMap((o) => {
    const pod = podSpec(o);
    if (!pod) return [];
    return [...(pod.initContainers ?? []), ...pod.containers].map((c: Json) => ({
      image: c.image,
      pullPolicy: c.imagePullPolicy,
      where: `${o.kind}/${o.metadata.name}/${c.name}`,
    }));
  });
}

describe("images the local values reference", () => {
  it("scripts/up.sh builds images from Dockerfiles that exist", () => {
    expect(built.map((b) => b.repository).sort()).toEqual([
      "storeplane/backup",
      "storeplane/controller",
      "storeplane/medusa",
      "storeplane/web",
      "storeplane/woocommerce",
    ]);
    for (const b of built)
      expect(existsSync(join(repoRoot, b.dockerfile)), b.dockerfile).toBe(true);
  });

  it("are either built and loaded by up.sh (pullPolicy Never) or pulled by a full registry name", () => {
    const repositories = new Set(built.map((b) => b.repository));
    const all = images([platformLocal, ...enginesLocal.map((e) => e.objects)].flat());
    expect(all.length).toBeGreaterThan(0);
    for (const { image, pullPolicy, where } of all) {
      const [repository, tag] = image.split(":");
      if (repository?.startsWith("storeplane/") || pullPolicy === "Never") {
        // `kind load` puts the image on the node; nothing could pull it.
        expect(repositories.has(repository ?? ""), `${where}: ${image} is built by up.sh`).toBe(
          true,
        );
        expect(pullPolicy, where).toBe("Never");
        expect(tag, `${where}: up.sh loads the :dev tag`).toBe("dev");
      } else {
        expect(repository, `${where}: ${image} names its registry`).toMatch(
          /^[a-z0-9.-]+\.[a-z]+\//,
        );
      }
    }
  });

  // Re-running `npm run up` must roll out what it just built: a pod template
  // that names the same `:dev` tag as before does not change, so nothing rolls.
  it("up.sh installs the platform with content-addressed tags for the images it built", () => {
    expect(upSh).toMatch(/--set-string images\.web\.tag=/);
    expect(upSh).toMatch(/--set-string images\.controller\.tag=/);
  });
});

// --- storage: the class every claim names exists where that values file runs ---
// kind's default StorageClass is "standard" (rancher local-path-provisioner
// under that name); k3s ships "local-path".
const STORAGE_CLASSES: Record<string, string> = {
  "values-local.yaml": "standard",
  "values-prod.yaml": "local-path",
};

function claimClasses(objects: K8sObject[]): (string | undefined)[] {
  return [
    ...objects.filter((o) => o.kind === "PersistentVolumeClaim").map((o) => o.spec),
    ...objects.flatMap((o) =>
      o.kind === "StatefulSet" ? o.spec.volumeClaimTemplates.map((t: Json) => t.spec) : [],
    ),
  ].map((spec) => spec.storageClassName);
}

describe.each(Object.entries(STORAGE_CLASSES))("storage classes in %s", (valuesFile, cls) => {
  it(`name only "${cls}"`, () => {
    const objects = [
      render("platform", valuesFile),
      ...(valuesFile === "values-local.yaml" ? enginesLocal : enginesProd).map((e) => e.objects),
    ].flat();
    const classes = claimClasses(objects);
    expect(classes.length).toBeGreaterThan(0);
    for (const c of classes) expect(c).toBe(cls);
  });
});

// --- the store quota: what the controller applies to each store namespace ---
const quotaFor = (plan: (typeof PLANS)[number]) => {
  const quota = buildGuardrails({
    namespace: "store-shop",
    limits: PLAN_LIMITS[plan],
    ingressNamespace: "traefik",
  }).find((o) => o.kind === "ResourceQuota");
  if (!quota) throw new Error("buildGuardrails rendered no ResourceQuota");
  return (quota.spec as { hard: Record<string, string> }).hard;
};

// Headroom, stated: at the peak (every long-lived pod, the rolling-update
// surge and the setup Job's pod, all at once) each figure leaves 5% of the
// plan free AND room for one cert-manager HTTP-01 solver pod, which cert-manager
// creates in the store's namespace while the store is coming up (its default
// solver resources: requests 10m/64Mi, limits 100m/64Mi; controller flags
// --acme-http01-solver-resource-*).
const HEADROOM_FRACTION = 0.05;
const SOLVER_POD: Record<string, number> = {
  "requests.cpu": 0.01,
  "limits.cpu": 0.1,
  "requests.memory": 64 * 2 ** 20,
  "limits.memory": 64 * 2 ** 20,
  pods: 1,
};

describe.each([
  ...ENGINE_CHARTS.flatMap((chart) =>
    VALUES_FILES.flatMap((valuesFile) => PLANS.map((plan) => ({ chart, valuesFile, plan }))),
  ),
])("$chart plan=$plan with $valuesFile fits the store quota", ({ chart, valuesFile, plan }) => {
  const objects = render(chart, valuesFile, ["--set-string", `plan=${plan}`]);
  const hard = quotaFor(plan);
  const usage = peakUsage(objects);

  it.each(QUOTA_KEYS)("%s with the stated headroom", (key) => {
    const limit = quantity(hard[key] as string);
    const need = usage[key] + (SOLVER_POD[key] ?? 0);
    expect(need, `${key}: peak ${usage[key]} + solver of ${limit}`).toBeLessThanOrEqual(
      limit * (1 - HEADROOM_FRACTION) + 1e-9,
    );
  });
});

// --- nothing the store quota forbids is rendered into a store namespace ---
// services.nodeports counts NodePort Services and LoadBalancer Services (which
// allocate node ports unless allocateLoadBalancerNodePorts is false);
// services.loadbalancers counts LoadBalancer Services; count/<r> counts kinds.
function forbiddenBy(hard: Record<string, string>, objects: K8sObject[]): string[] {
  const zero = (key: string) => hard[key] === "0";
  const out: string[] = [];
  for (const o of objects) {
    const where = `${o.kind}/${o.metadata.name}`;
    if (o.kind === "Service") {
      const type = o.spec?.type ?? "ClusterIP";
      if (zero("services.nodeports") && type === "NodePort") out.push(`${where}: NodePort`);
      if (
        zero("services.nodeports") &&
        type === "LoadBalancer" &&
        o.spec?.allocateLoadBalancerNodePorts !== false
      )
        out.push(`${where}: LoadBalancer allocates node ports`);
      if (zero("services.loadbalancers") && type === "LoadBalancer")
        out.push(`${where}: LoadBalancer`);
    }
    for (const key of Object.keys(hard).filter((k) => k.startsWith("count/") && zero(k))) {
      const resource = key.slice("count/".length).split(".")[0];
      if (`${o.kind.toLowerCase()}s` === resource) out.push(`${where}: ${key}=0`);
    }
  }
  return out;
}

describe("nothing the store quota forbids lands in a store namespace", () => {
  it("the quota forbids node ports and load balancers (what this block checks against)", () => {
    const hard = quotaFor("small");
    expect(hard["services.nodeports"]).toBe("0");
    expect(hard["services.loadbalancers"]).toBe("0");
  });

  it("helm template output includes hooks, so hooks are checked too", () => {
    const hooks = platformLocal.filter((o) => o.metadata.annotations?.["helm.sh/hook"]);
    expect(hooks.length).toBeGreaterThan(0);
  });

  it.each(
    [...enginesLocal, ...enginesProd].map((e) => [`${e.chart} ${e.valuesFile} ${e.plan}`, e]),
  )("%s: engine objects, hooks included", (_label, e) => {
    expect(forbiddenBy(quotaFor(e.plan), e.objects)).toEqual([]);
  });

  it("the checker flags a NodePort and a LoadBalancer Service", () => {
    const svc = (type: string) =>
      ({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: type },
        spec: { type },
      }) as K8sObject;
    expect(forbiddenBy(quotaFor("small"), [svc("NodePort"), svc("LoadBalancer")])).toHaveLength(3);
  });
});

// cert-manager creates the HTTP-01 solver's Service in the namespace of the
// Ingress being certified, i.e. the store's, with the issuer's
// solvers[].http01.ingress.serviceType, which defaults to NodePort
// (cert-manager docs, "HTTP01": "serviceType ... Defaults to NodePort").
// Our quota's services.nodeports=0 rejects that, so the issuer must say ClusterIP.
function documentedIssuers(): Json[] {
  const doc = read("docs", "production.md");
  const blocks = [...doc.matchAll(/<<'YAML'\n([\s\S]*?)\nYAML/g)].map((m) => m[1] as string);
  return blocks
    .flatMap((b) => parseAllDocuments(b).map((d) => d.toJS()))
    .filter((o) => o?.kind === "ClusterIssuer");
}

function solverServiceTypes(issuer: Json): (string | undefined)[] {
  return (issuer.spec?.acme?.solvers ?? [])
    .filter((s: Json) => s.http01)
    .map((s: Json) => s.http01.ingress?.serviceType);
}

describe("cert-manager's HTTP-01 solver fits the store namespace", () => {
  const issuerName = render("woocommerce", "values-prod.yaml").find((o) => o.kind === "Ingress")
    ?.metadata.annotations?.["cert-manager.io/cluster-issuer"];

  it("the ClusterIssuer in docs/production.md asks for a ClusterIP solver Service", () => {
    const issuers = documentedIssuers();
    expect(issuers.map((i) => i.metadata.name)).toContain(issuerName);
    for (const issuer of issuers) {
      const types = solverServiceTypes(issuer);
      expect(types.length).toBeGreaterThan(0);
      for (const t of types) expect(t, issuer.metadata.name).toBe("ClusterIP");
    }
  });

  it("the platform chart can render that ClusterIssuer itself, with a ClusterIP solver", () => {
    const objects = render("platform", "values-prod.yaml", [
      "--set",
      "certManager.clusterIssuer.enabled=true",
      "--set-string",
      "certManager.clusterIssuer.email=ops@shops.example.com",
    ]);
    const issuers = objects.filter((o) => o.kind === "ClusterIssuer");
    expect(issuers).toHaveLength(1);
    const issuer = issuers[0] as K8sObject;
    expect(issuer.metadata.name).toBe(issuerName);
    expect(issuer.spec.acme.email).toBe("ops@shops.example.com");
    expect(solverServiceTypes(issuer)).toEqual(["ClusterIP"]);
    expect(issuer.spec.acme.solvers[0].http01.ingress.ingressClassName).toBe("traefik");
    expect(render("platform", "values-prod.yaml").some((o) => o.kind === "ClusterIssuer")).toBe(
      false,
    );
  });
});

// --- private registries: store pods name the pull Secret the controller copies in ---
describe.each(ENGINE_CHARTS)("%s with imagePullSecrets", (chart) => {
  it("puts them on every pod, Jobs included", () => {
    const objects = render(chart, "values-prod.yaml", [
      "--set-string",
      "imagePullSecrets[0].name=registry-pull",
    ]);
    const pods = objects.filter((o) => podSpec(o));
    expect(pods.length).toBeGreaterThan(0);
    for (const o of pods)
      expect(podSpec(o).imagePullSecrets, `${o.kind}/${o.metadata.name}`).toEqual([
        { name: "registry-pull" },
      ]);
  });

  it("renders none by default", () => {
    for (const o of render(chart, "values.yaml").filter((x) => podSpec(x)))
      expect(podSpec(o).imagePullSecrets).toBeUndefined();
  });
});

describe("platform: the pull Secret stores get", () => {
  it("is passed to the controller, which copies it into each store namespace", () => {
    const objects = render("platform", "values-prod.yaml", [
      "--set-string",
      "controller.storeImagePullSecret=registry-pull",
    ]);
    const controller = objects.find(
      (o) => o.kind === "Deployment" && o.metadata.name.endsWith("-controller"),
    );
    const env = controller?.spec.template.spec.containers[0].env ?? [];
    expect(env).toContainEqual({ name: "STORE_IMAGE_PULL_SECRET", value: "registry-pull" });
  });
});

// --- the pinned tools: one list (infra/tool-versions.env), used everywhere ---
// Literal `${{ env.X }}` (GitHub expressions) and `${X}` (shell), spelled so no
// reader mistakes them for JavaScript template placeholders.
const githubEnv = (name: string) => `$\{{ env.${name} }}`;
const shellVar = (name: string) => `$\{${name}}`;
describe("pinned tool versions (infra/tool-versions.env)", () => {
  const workflow = parse(read(".github", "workflows", "e2e.yml"));
  const job = workflow.jobs.kind;
  const steps: Json[] = job.steps;
  const runs = steps.map((s) => s.run ?? "").join("\n");
  const dockerfile = read("images", "controller.Dockerfile");

  it("names Helm 4, kind, kubectl, the kind node image and the Traefik chart", () => {
    expect(toolVersions.HELM_VERSION).toMatch(/^v4\.\d+\.\d+$/);
    expect(toolVersions.KIND_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(toolVersions.KUBECTL_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(toolVersions.KIND_NODE_IMAGE).toMatch(/^kindest\/node:v[0-9.]+@sha256:[0-9a-f]{64}$/);
    // The Kubernetes minor the charts are rendered and schema-checked for.
    expect(toolVersions.KIND_NODE_IMAGE).toContain(`:v${KUBE_VERSION}@`);
    expect(toolVersions.KUBECTL_VERSION).toBe(`v${KUBE_VERSION}`);
  });

  it("up.sh creates the cluster on the pinned node image", () => {
    expect(upSh).toMatch(/kind create cluster[^\n]*\\\n\s*--image "\$KIND_NODE_IMAGE"/);
  });

  it("the e2e workflow installs exactly these, runs up, e2e and down, within a time budget", () => {
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    expect(job["timeout-minutes"]).toBeLessThanOrEqual(90);
    expect(runs).toContain("infra/tool-versions.env");
    const kind = steps.find((s) => String(s.uses).startsWith("helm/kind-action@"));
    expect(kind?.with).toMatchObject({
      version: githubEnv("KIND_VERSION"),
      kubectl_version: githubEnv("KUBECTL_VERSION"),
    });
    expect(runs).toMatch(/https:\/\/get\.helm\.sh\/\$file/);
    expect(runs).toMatch(/sha256sum -c/);
    expect(runs).toMatch(/helm version --short \| grep -q "\^\$\{HELM_VERSION\}\+"/);
    const order = ["npm run up", "npm run e2e", "npm run down"].map((c) =>
      steps.findIndex((s) => s.run?.trim() === c),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(steps.find((s) => s.run?.trim() === "npm run down")?.if).toBe("always()");
    // The backup/restore and rollout suites run between e2e and down, on the same cluster.
    const suites = steps.findIndex((s) => /test\/backup\.cluster\.test\.ts/.test(s.run ?? ""));
    expect(suites).toBeGreaterThan(order[1] as number);
    expect(suites).toBeLessThan(order[2] as number);
    expect(steps[suites]?.run).toContain("test/rollout.cluster.test.ts");
  });

  it("the workflow uploads the controller's logs and all events when it fails", () => {
    const collect = steps.find((s) => /controller\.log/.test(s.run ?? ""));
    expect(collect?.if).toBe("failure()");
    expect(collect?.run).toContain("kubectl get events -A");
    expect(collect?.run).toContain("logs deploy/storeplane-controller");
    const upload = steps.find((s) => String(s.uses).startsWith("actions/upload-artifact@"));
    expect(upload?.if).toBe("failure()");
    expect(upload?.with.path).toBe("diagnostics/");
  });

  it("the controller image fetches that Helm for its TARGETARCH, checksummed", () => {
    expect(dockerfile).toContain(`ARG HELM_VERSION=${toolVersions.HELM_VERSION}`);
    expect(dockerfile).toMatch(/ARG HELM_SHA256_AMD64=[0-9a-f]{64}\n/);
    expect(dockerfile).toMatch(/ARG HELM_SHA256_ARM64=[0-9a-f]{64}\n/);
    expect(dockerfile).toContain(
      `helm-${shellVar("HELM_VERSION")}-linux-${shellVar("TARGETARCH")}.tar.gz`,
    );
    expect(dockerfile).toContain("sha256sum -c");
    expect(dockerfile).not.toContain(".tools/bin/helm");
    // The workflow's amd64 checksum is the Dockerfile's: one release, one sum.
    const amd64 = /ARG HELM_SHA256_AMD64=([0-9a-f]{64})/.exec(dockerfile)?.[1];
    expect(JSON.stringify(steps)).toContain(amd64);
  });

  it("docs/local-cluster.md and docs/production.md state the exact versions tested", () => {
    const local = read("docs", "local-cluster.md");
    for (const key of [
      "HELM_VERSION",
      "KIND_VERSION",
      "KUBECTL_VERSION",
      "TRAEFIK_CHART_VERSION",
    ] as const)
      expect(local, key).toContain(toolVersions[key] as string);
    expect(local).toContain(`kindest/node:v${KUBE_VERSION}`);
    const prod = read("docs", "production.md");
    expect(prod).toContain(toolVersions.HELM_VERSION as string);
    expect(prod).toContain(`Kubernetes | ${KUBE_VERSION.replace(/\.0$/, "")}`);
  });
});
