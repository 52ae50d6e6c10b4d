// Level: real helm rendering + the NetworkPolicy evaluator (a test tool that
// follows the Kubernetes docs' semantics: packages/k8s/src/testing/
// network-policy-eval.ts). What a backup Job's pod may reach, on kind's
// values, built from the real pieces: the pods the engine charts render for
// the controller's desired release (their labels), the store's guardrails
// and namespace labels as the controller builds them, the backup Job and its
// allow-backup-egress policy from the settings the platform chart gives the
// controller, and the platform chart's own pods and NetworkPolicies (the
// bundled object store's among them). There is no CNI here: this proves the
// policies, not an implementation of them.
import { ENGINES, type Engine } from "@storeplane/db";
import { createHelm, type KubeObject, resolveHelmBinary } from "@storeplane/k8s";
import {
  type ClusterNetwork,
  type Endpoint,
  evaluateConnection,
  type NetworkPolicyObject,
  type PodEndpoint,
} from "@storeplane/k8s/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { readBackupSettings } from "../src/backups/backup-env.ts";
import { buildBackupJob, buildBackupNetworkPolicy } from "../src/backups/job-spec.ts";
import { ChartCatalog, desiredStore } from "../src/desired.ts";
import { desiredConfig, storeRow } from "./fixtures.ts";
import { CHARTS_DIR } from "./harness.ts";

const helmBinary = resolveHelmBinary();
const missing = !helmBinary;
const PLATFORM_NS = "storeplane";
const DATABASE_PORT: Record<Engine, number> = { medusa: 5432, woocommerce: 3306 };

type Env = Array<{ name: string; value?: string; valueFrom?: unknown }>;

let ip = 10;
function podsOf(objects: KubeObject[], namespace: string): PodEndpoint[] {
  const out: PodEndpoint[] = [];
  for (const o of objects) {
    if (!["Deployment", "StatefulSet", "Job"].includes(o.kind)) continue;
    const template = (o.spec as { template: { metadata?: { labels?: Record<string, string> } } })
      .template;
    out.push({
      kind: "pod",
      name: `${o.kind}/${o.metadata.name}`,
      namespace,
      labels: template.metadata?.labels ?? {},
      ip: `10.244.${namespace.length}.${ip++}`,
    });
  }
  return out;
}

function policies(objects: KubeObject[], namespace: string): NetworkPolicyObject[] {
  return objects
    .filter((o) => o.kind === "NetworkPolicy")
    .map(
      (o) => ({ ...o, metadata: { ...o.metadata, namespace } }) as unknown as NetworkPolicyObject,
    );
}

const component = (pods: PodEndpoint[], name: string): PodEndpoint => {
  const found = pods.find((p) => p.labels["app.kubernetes.io/component"] === name);
  if (!found) throw new Error(`no pod with component=${name} among ${pods.map((p) => p.name)}`);
  return found;
};

describe.skipIf(missing)(
  `backup pods' network reach on kind's values${missing ? " — skipped: helm not found" : ""}`,
  () => {
    const helm = missing ? null : createHelm({ binary: helmBinary as string });
    const network: ClusterNetwork = { namespaces: {}, policies: [] };
    const stores: Record<Engine, { app: PodEndpoint; database: PodEndpoint; backup: PodEndpoint }> =
      {} as never;
    let objectStore: PodEndpoint;
    let controller: PodEndpoint;
    let objectStorePort: number;

    beforeAll(async () => {
      // The platform, as `npm run up` installs it on kind.
      const platform = await helm!.template({
        release: "storeplane",
        chart: `${CHARTS_DIR}/platform`,
        namespace: PLATFORM_NS,
        valuesFiles: [`${CHARTS_DIR}/platform/values-local.yaml`],
      });
      const platformPods = podsOf(platform.objects, PLATFORM_NS);
      objectStore = component(platformPods, "object-store");
      controller = component(platformPods, "controller");
      network.namespaces[PLATFORM_NS] = {};
      network.policies.push(...policies(platform.objects, PLATFORM_NS));
      const service = platform.objects.find(
        (o) => o.kind === "Service" && o.metadata.name === "storeplane-object-store",
      ) as unknown as { spec: { ports: Array<{ port: number }> } };
      objectStorePort = service.spec.ports[0]?.port as number;

      // The backup settings the controller reads from that chart's env (keys stand in for the Secret's).
      const controllerDeployment = platform.objects.find(
        (o) => o.kind === "Deployment" && o.metadata.name === "storeplane-controller",
      ) as unknown as { spec: { template: { spec: { containers: Array<{ env: Env }> } } } };
      const env = Object.fromEntries(
        (controllerDeployment.spec.template.spec.containers[0]?.env ?? []).map((e) => [
          e.name,
          e.value ?? `from-secret-${e.name}`,
        ]),
      );
      const settings = readBackupSettings(env);
      if (!settings) throw new Error("values-local.yaml should turn backups on");

      const catalog = new ChartCatalog(CHARTS_DIR, "local");
      for (const engine of ENGINES) {
        const store = storeRow({ name: `net-${engine}`, engine });
        const desired = desiredStore(store, desiredConfig, catalog);
        const { release } = desired;
        const rendered = await helm!.template(
          {
            release: release.release,
            chart: release.chart,
            namespace: release.namespace,
            valuesFiles: release.valuesFiles,
          },
          release.values,
        );
        const backupStore = {
          id: store.id,
          name: store.name,
          engine,
          plan: store.plan,
          url: `http://${store.name}.localhost`,
          chartVersion: "0.1.0",
          valuesDigest: "d",
        };
        const job = buildBackupJob({
          store: backupStore,
          backupId: "00000000-0000-4000-8000-0000000000aa",
          attempt: 1,
          image: settings.image,
          target: settings.target,
        });
        const pods = podsOf([...rendered.objects, job], desired.namespace);
        network.namespaces[desired.namespace] = desired.namespaceLabels;
        network.policies.push(
          ...policies(desired.guardrails, desired.namespace),
          ...policies(
            [buildBackupNetworkPolicy({ store: backupStore, target: settings.target })],
            desired.namespace,
          ),
        );
        stores[engine] = {
          app: component(pods, engine === "medusa" ? "server" : "wordpress"),
          database: component(pods, "database"),
          backup: component(pods, "backup"),
        };
      }
    }, 60_000);

    const verdict = (from: Endpoint, to: Endpoint, port: number) =>
      evaluateConnection(network, { from, to, port });
    const internet = { kind: "external", ip: "93.184.216.34" } as const;

    it.each(ENGINES)("%s: the backup pod reaches its database on the database port", (engine) => {
      const { backup, database } = stores[engine];
      const v = verdict(backup, database, DATABASE_PORT[engine]);
      expect(v.allowed, v.reason).toBe(true);
      expect(verdict(backup, database, 22).allowed).toBe(false);
    });

    it.each(ENGINES)("%s: the backup pod reaches the bundled object store", (engine) => {
      const v = verdict(stores[engine].backup, objectStore, objectStorePort);
      expect(v.allowed, v.reason).toBe(true);
    });

    it.each(ENGINES)("%s: the backup pod reaches nothing else", (engine) => {
      const { backup, app } = stores[engine];
      const other = stores[engine === "medusa" ? "woocommerce" : "medusa"];
      for (const [to, port] of [
        [app, 9000],
        [app, 8080],
        [app, 80],
        [internet, 443],
        [internet, 80],
        [other.database, DATABASE_PORT[engine === "medusa" ? "woocommerce" : "medusa"]],
        [other.app, 80],
        [controller, 9090],
      ] as Array<[Endpoint, number]>) {
        const v = verdict(backup, to, port);
        expect(v.allowed, v.reason).toBe(false);
      }
    });

    it.each(ENGINES)("%s: tenant pods cannot reach the object store", (engine) => {
      const { app, database } = stores[engine];
      for (const from of [app, database]) {
        const v = verdict(from, objectStore, objectStorePort);
        expect(v.allowed, v.reason).toBe(false);
      }
    });

    it("the object store is denied even to a tenant pod whose own egress were open (its ingress policy)", () => {
      const loose: ClusterNetwork = {
        ...network,
        // Drop every store policy: only the platform's remain.
        policies: network.policies.filter((p) => p.metadata.namespace === PLATFORM_NS),
      };
      const v = evaluateConnection(loose, {
        from: stores.medusa.app,
        to: objectStore,
        port: objectStorePort,
      });
      expect(v.allowed).toBe(false);
      expect(v.reason).toMatch(/ingress isolation of storeplane\//);
      // …while the controller, and only as much as that, gets in.
      const c = evaluateConnection(loose, {
        from: controller,
        to: objectStore,
        port: objectStorePort,
      });
      expect(c.allowed, c.reason).toBe(true);
    });

    it.each(ENGINES)(
      "%s: the store itself still works (app → database, ingress → app)",
      (engine) => {
        const { app, database } = stores[engine];
        expect(verdict(app, database, DATABASE_PORT[engine]).allowed).toBe(true);
        const traefik: PodEndpoint = {
          kind: "pod",
          name: "traefik",
          namespace: "traefik",
          labels: {},
          ip: "10.244.9.9",
        };
        network.namespaces.traefik = {};
        expect(verdict(traefik, app, 80).allowed).toBe(true);
        expect(verdict(traefik, stores[engine].backup, 80).allowed).toBe(false);
      },
    );
  },
);
