// Level: real helm. Policy rules over what the charts actually render: the
// guarantees a platform team would otherwise check by hand in review.
// Test-only reach into the controller: its plan table is the quota contract.
import { LABELS, PLAN_LIMITS, STORE_SECRET_KEYS, STORE_SECRET_NAME } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import {
  CHARTS,
  type ChartName,
  ENGINE_CHARTS,
  engineOf,
  isEngine,
  type K8sObject,
  render,
  STORE_VALUES,
  VALUES_FILES,
} from "./helm.ts";
import { containers, podSpec, podUsage, quantity, replicas, surge } from "./workloads.ts";

const renders: { chart: ChartName; valuesFile: string; objects: K8sObject[] }[] = [];
for (const chart of CHARTS) {
  for (const valuesFile of VALUES_FILES)
    renders.push({ chart, valuesFile, objects: render(chart, valuesFile) });
}
// Suspended (issue 16): the paused page must meet every rule the store's own pods do.
for (const chart of ENGINE_CHARTS)
  renders.push({
    chart,
    valuesFile: "suspended=true",
    objects: render(chart, "values-local.yaml", ["--set", "suspended=true"]),
  });
renders.push({
  chart: "woocommerce",
  valuesFile: "imageMode=official",
  objects: render("woocommerce", "values.yaml", ["--set", "imageMode=official"]),
});

// Images that must run as root would be listed here with the reason. None today:
// MariaDB (999), Postgres (999), Redis (999), WordPress/Apache (33, with the
// unprivileged-port sysctl), WP-CLI (33), Medusa/web/controller (1000).
const ROOT_EXCEPTIONS = new Set<string>();

describe.each(renders)("$chart with $valuesFile", ({ chart, objects }) => {
  const all = containers(objects);

  it("renders workloads", () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it("sets cpu and memory requests and limits on every container, init containers and jobs included", () => {
    const missing = all
      .filter(({ container }) =>
        ["requests", "limits"].some((f) =>
          ["cpu", "memory"].some((r) => container.resources?.[f]?.[r] === undefined),
        ),
      )
      .map(({ owner, container }) => `${owner}/${container.name}`);
    expect(missing).toEqual([]);
    for (const { container } of all) {
      for (const r of ["cpu", "memory"] as const) {
        expect(quantity(container.resources.requests[r])).toBeLessThanOrEqual(
          quantity(container.resources.limits[r]),
        );
      }
    }
  });

  it("gives every long-running container a readiness and a liveness probe", () => {
    const missing = all
      .filter(({ isJob, init }) => !isJob && !init)
      .filter(({ container }) => !container.readinessProbe || !container.livenessProbe)
      .map(({ owner, container }) => `${owner}/${container.name}`);
    expect(missing).toEqual([]);
  });

  it("runs nothing privileged, on the host, or with extra capabilities", () => {
    for (const { owner, container, pod } of all) {
      const where = `${owner}/${container.name}`;
      expect(pod.hostNetwork ?? false, where).toBe(false);
      expect(pod.hostPID ?? false, where).toBe(false);
      expect(pod.hostIPC ?? false, where).toBe(false);
      expect(
        (pod.volumes ?? []).filter((v: { hostPath?: unknown }) => v.hostPath),
        where,
      ).toEqual([]);
      const sc = container.securityContext ?? {};
      expect(sc.privileged ?? false, where).toBe(false);
      expect(sc.allowPrivilegeEscalation, where).toBe(false);
      expect(sc.capabilities?.drop, where).toContain("ALL");
      expect(sc.capabilities?.add ?? [], where).toEqual([]);
      expect(container.ports?.some((p: { hostPort?: number }) => p.hostPort) ?? false, where).toBe(
        false,
      );
    }
  });

  it("runs as non-root with the RuntimeDefault seccomp profile", () => {
    for (const object of objects) {
      const pod = podSpec(object);
      if (!pod) continue;
      const owner = `${object.kind}/${object.metadata.name}`;
      if (ROOT_EXCEPTIONS.has(owner)) continue;
      expect(pod.securityContext?.runAsNonRoot, owner).toBe(true);
      expect(pod.securityContext?.runAsUser, owner).toBeGreaterThan(0);
      expect(pod.securityContext?.seccompProfile?.type, owner).toBe("RuntimeDefault");
    }
  });

  it("fits Pod Security 'restricted': allowed volume types and safe sysctls only", () => {
    const volumeTypes = new Set([
      "configMap",
      "emptyDir",
      "persistentVolumeClaim",
      "secret",
      "projected",
      "downwardAPI",
    ]);
    const safeSysctls = new Set([
      "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.ip_local_port_range",
      "net.ipv4.ping_group_range",
    ]);
    for (const object of objects) {
      const pod = podSpec(object);
      if (!pod) continue;
      for (const volume of pod.volumes ?? []) {
        const type = Object.keys(volume).find((key) => key !== "name");
        expect(
          volumeTypes.has(type ?? ""),
          `${object.metadata.name} volume ${volume.name}: ${type}`,
        ).toBe(true);
      }
      for (const sysctl of pod.securityContext?.sysctls ?? [])
        expect(safeSysctls.has(sysctl.name), sysctl.name).toBe(true);
    }
  });

  it("labels every object with the standard app.kubernetes.io labels", () => {
    for (const object of objects) {
      const labels = object.metadata.labels ?? {};
      for (const key of ["name", "instance", "version", "managed-by", "part-of"]) {
        expect(
          labels[`app.kubernetes.io/${key}`],
          `${object.kind}/${object.metadata.name} ${key}`,
        ).toBeTruthy();
      }
    }
  });

  it("keeps every password and secret out of plain env values", () => {
    for (const { owner, container } of all) {
      for (const env of container.env ?? []) {
        if (/PASSWORD|SECRET|TOKEN/.test(env.name))
          expect(env.value, `${owner} ${env.name}`).toBeUndefined();
      }
    }
    expect(objects.filter((o) => o.kind === "Secret" && isEngine(chart))).toEqual([]);
  });

  if (!isEngine(chart)) return;

  it("reads credentials only from the store Secret, by the contract's keys", () => {
    const keys = new Set<string>(Object.values(STORE_SECRET_KEYS));
    const refs = all.flatMap(({ container }) =>
      (container.env ?? [])
        .map(
          (e: { valueFrom?: { secretKeyRef?: { name: string; key: string } } }) =>
            e.valueFrom?.secretKeyRef,
        )
        .filter(Boolean),
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.name).toBe(STORE_SECRET_NAME);
      expect(keys.has(ref.key), ref.key).toBe(true);
    }
  });

  it("labels objects, pod templates and volume claim templates with the store id the controller selects on", () => {
    const storeId = STORE_VALUES["store.id"];
    const labelled: [string, Record<string, string> | undefined][] = objects.flatMap((o) => [
      [`${o.kind}/${o.metadata.name}`, o.metadata.labels] as [
        string,
        Record<string, string> | undefined,
      ],
      ...(podSpec(o)
        ? [[`${o.kind}/${o.metadata.name} pods`, o.spec.template.metadata?.labels]]
        : []),
      ...(o.spec?.volumeClaimTemplates ?? []).map(
        (t: { metadata: { name: string; labels?: Record<string, string> } }) => [
          `${o.kind}/${o.metadata.name} claim ${t.metadata.name}`,
          t.metadata.labels,
        ],
      ),
    ]) as [string, Record<string, string> | undefined][];
    for (const [where, labels] of labelled) expect(labels?.[LABELS.storeId], where).toBe(storeId);
  });

  it("creates none of the guardrail kinds the controller owns", () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of [
      "ResourceQuota",
      "LimitRange",
      "NetworkPolicy",
      "Namespace",
      "Role",
      "RoleBinding",
      "ClusterRole",
    ]) {
      expect(kinds.has(kind), kind).toBe(false);
    }
  });
});

// The ResourceQuota the controller applies per plan (the same object it uses,
// so a change on either side fails here). The engine charts must fit under it
// with their setup job running, and with the surge pods a rolling update adds.
const QUOTA = Object.fromEntries(
  Object.entries(PLAN_LIMITS).map(([plan, limits]) => [
    plan,
    { cpu: quantity(limits.cpu), memory: quantity(limits.memory) },
  ]),
) as Record<keyof typeof PLAN_LIMITS, { cpu: number; memory: number }>;
const SMALL_REQUEST_CAP = { woocommerce: 1 * 2 ** 30, medusa: 1.5 * 2 ** 30 };

function totals(
  objects: K8sObject[],
  field: "requests" | "limits",
  resource: "cpu" | "memory",
): number {
  return objects.reduce((sum, o) => {
    const pod = podSpec(o);
    return pod ? sum + (replicas(o) + surge(o)) * podUsage(pod, field, resource) : sum;
  }, 0);
}

// Every chart version a store may be assigned (the archived ones too) must fit.
describe.each(ENGINE_CHARTS)("%s fits the plan quotas", (chart) => {
  for (const plan of ["small", "medium", "large"] as const) {
    for (const valuesFile of VALUES_FILES) {
      it(`${plan} with ${valuesFile}`, () => {
        const objects = render(chart, valuesFile, ["--set-string", `plan=${plan}`]);
        expect(totals(objects, "limits", "cpu")).toBeLessThanOrEqual(QUOTA[plan].cpu);
        expect(totals(objects, "limits", "memory")).toBeLessThanOrEqual(QUOTA[plan].memory);
        if (plan === "small")
          expect(totals(objects, "requests", "memory")).toBeLessThanOrEqual(
            SMALL_REQUEST_CAP[engineOf(chart)],
          );
      });
    }
  }
});

describe("ingress class, host and TLS come from values", () => {
  it.each(["woocommerce", "medusa"] as const)("%s", (chart) => {
    const objects = render(chart, "values.yaml", [
      "--set-string",
      "store.host=bolt.shops.example.com",
      "--set",
      "ingress.className=custom-class",
      "--set",
      "ingress.tls.enabled=true",
    ]);
    const ingresses = objects.filter((o) => o.kind === "Ingress");
    expect(ingresses).toHaveLength(1);
    const spec = ingresses[0]?.spec;
    expect(spec.ingressClassName).toBe("custom-class");
    expect(spec.rules.map((r: { host: string }) => r.host)).toEqual(["bolt.shops.example.com"]);
    expect(spec.tls[0].hosts).toEqual(["bolt.shops.example.com"]);
  });

  it("defaults to Traefik (k3s's own; ingress-nginx is retired)", () => {
    for (const chart of CHARTS) {
      const ingress = render(chart, "values.yaml").find((o) => o.kind === "Ingress");
      expect(ingress?.spec.ingressClassName, chart).toBe("traefik");
    }
  });

  it("routes the Medusa storefront, Store API, admin and auth paths", () => {
    const ingress = render("medusa", "values.yaml").find((o) => o.kind === "Ingress");
    const paths = ingress?.spec.rules[0].http.paths.map((p: { path: string }) => p.path);
    expect(paths).toEqual(["/", "/store", "/app", "/admin", "/auth"]);
  });

  it("puts the dashboard at dashboard.host", () => {
    const ingress = render("platform", "values.yaml", [
      "--set",
      "dashboard.host=console.example.com",
    ]).find((o) => o.kind === "Ingress");
    expect(ingress?.spec.rules[0].host).toBe("console.example.com");
  });

  it("asks cert-manager for TLS in the production values", () => {
    for (const chart of CHARTS) {
      const ingress = render(chart, "values-prod.yaml").find((o) => o.kind === "Ingress");
      expect(ingress?.metadata.annotations?.["cert-manager.io/cluster-issuer"], chart).toBeTruthy();
      expect(ingress?.spec.tls?.length, chart).toBe(1);
    }
  });
});

describe("storage class comes from values", () => {
  it.each(["woocommerce", "medusa"] as const)("%s", (chart) => {
    const objects = render(chart, "values.yaml", ["--set", "persistence.storageClass=fast-ssd"]);
    const claims = [
      ...objects.filter((o) => o.kind === "PersistentVolumeClaim").map((o) => o.spec),
      ...objects.flatMap((o) =>
        o.kind === "StatefulSet"
          ? o.spec.volumeClaimTemplates.map((t: { spec: unknown }) => t.spec)
          : [],
      ),
    ];
    expect(claims.length).toBeGreaterThan(0);
    for (const claim of claims) expect(claim.storageClassName).toBe("fast-ssd");
  });
});
