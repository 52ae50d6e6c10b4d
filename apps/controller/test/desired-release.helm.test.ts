// Level: real helm rendering. The controller's desired release for each engine
// and values profile — the exact ReleaseSpec it hands to `helm upgrade
// --install` — rendered by the real helm binary through the real wrapper.
// This is where the controller and the charts meet: the values it passes must
// satisfy the charts' schemas, and what the charts render must be what the
// controller's snapshot can see (the store-id label) at the host it reports.

import { join } from "node:path";
import { ENGINES } from "@storeplane/db";
import {
  createHelm,
  LABELS,
  resolveHelmBinary,
  STORE_PAUSED_PAGE,
  STORE_SECRET_NAME,
} from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { ChartCatalog, desiredStore } from "../src/desired.ts";
import { readControllerConfig } from "../src/env.ts";
import { desiredConfig, storeRow } from "./fixtures.ts";
import { CHARTS_DIR } from "./harness.ts";

const helmBinary = resolveHelmBinary();
const missing = !helmBinary;
if (missing && process.env.REQUIRE_HELM === "1") {
  throw new Error("REQUIRE_HELM=1 but no helm binary was found ($HELM_BIN, PATH, .tools/bin)");
}

const profiles = [
  { profile: "local" as const, baseDomain: "localhost", urlScheme: "http" as const },
  { profile: "prod" as const, baseDomain: "shops.example.com", urlScheme: "https" as const },
];

describe.skipIf(missing)(
  `controller's desired release rendered by real helm${missing ? " — skipped: helm not found" : ""}`,
  () => {
    const helm = missing ? null : createHelm({ binary: helmBinary });

    for (const engine of ENGINES) {
      for (const { profile, baseDomain, urlScheme } of profiles) {
        it(`${engine} with values-${profile}.yaml`, async () => {
          const config = { ...desiredConfig, valuesProfile: profile, baseDomain, urlScheme };
          const store = storeRow({ name: "acme-shop", engine });
          const desired = desiredStore(store, config, new ChartCatalog(CHARTS_DIR, profile));
          const { release } = desired;

          const { objects } = await helm!.template(
            {
              release: release.release,
              chart: release.chart,
              namespace: release.namespace,
              valuesFiles: release.valuesFiles,
            },
            release.values,
          );

          expect(objects.length).toBeGreaterThan(3);
          // Everything workload-shaped carries the label the snapshot selects on.
          const watched = objects.filter((o) =>
            ["Deployment", "StatefulSet", "Job"].includes(o.kind),
          );
          expect(watched.length).toBeGreaterThan(0);
          for (const o of watched) {
            expect(o.metadata.labels?.[LABELS.storeId], `${o.kind}/${o.metadata.name}`).toBe(
              store.id,
            );
          }
          // The ingress answers at the host the controller reports as the store URL.
          const hosts = objects
            .filter((o) => o.kind === "Ingress")
            .flatMap((o) =>
              ((o.spec as { rules?: { host?: string }[] }).rules ?? []).map((r) => r.host),
            );
          expect(hosts).toContain(new URL(desired.storeUrl).host);
          // Credentials come from the Secret the controller creates, never from values.
          const manifest = JSON.stringify(objects);
          expect(manifest).toContain(`"name":"${STORE_SECRET_NAME}"`);
          expect(JSON.stringify(release.values)).not.toMatch(/password|secret-value/i);
        }, 30_000);
      }

      // Suspend (issue 16): the controller's values for a suspended store are
      // what scales the real chart to zero and puts the paused page up.
      it(`${engine} suspended: every workload at zero, the paused page the only pod, a new digest`, async () => {
        const charts = new ChartCatalog(CHARTS_DIR, "local");
        const running = desiredStore(
          storeRow({ name: "acme-shop", engine }),
          desiredConfig,
          charts,
        );
        const desired = desiredStore(
          storeRow({ name: "acme-shop", engine, suspended: true }),
          desiredConfig,
          charts,
        );
        const { release } = desired;
        expect(release.values.suspended).toBe(true);
        expect(running.release.values).not.toHaveProperty("suspended");
        expect(release.valuesDigest).not.toBe(running.release.valuesDigest);
        const { objects } = await helm!.template(
          {
            release: release.release,
            chart: release.chart,
            namespace: release.namespace,
            valuesFiles: release.valuesFiles,
          },
          release.values,
        );
        const replicas = Object.fromEntries(
          objects
            .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
            .map((o) => [o.metadata.name, (o.spec as { replicas: number }).replicas]),
        );
        expect(replicas[STORE_PAUSED_PAGE]).toBe(1);
        const own = Object.entries(replicas).filter(([name]) => name !== STORE_PAUSED_PAGE);
        expect(own.length).toBeGreaterThanOrEqual(2);
        expect(own.every(([, n]) => n === 0)).toBe(true);
        expect(objects.filter((o) => o.kind === "Job")).toEqual([]);
      }, 30_000);
    }

    it("the platform chart's stores.baseDomain, not the dashboard host, becomes each store's ingress host", async () => {
      // The platform chart as an operator installs it, stores on a domain of their own.
      const platform = await helm!.template(
        {
          release: "storeplane",
          chart: join(CHARTS_DIR, "platform"),
          namespace: "storeplane",
          valuesFiles: [join(CHARTS_DIR, "platform", "values-prod.yaml")],
        },
        { dashboard: { host: "console.example.com" }, stores: { baseDomain: "example-shops.net" } },
      );
      const controller = platform.objects.find(
        (o) => o.kind === "Deployment" && o.metadata.name.endsWith("-controller"),
      );
      expect(controller, "the controller Deployment").toBeDefined();
      const container = (
        controller!.spec as {
          template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
        }
      ).template.spec.containers[0];
      const env = Object.fromEntries(
        (container?.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])),
      );
      // What the controller process reads from that environment…
      const config = readControllerConfig({ ...env, STORE_CHARTS_DIR: CHARTS_DIR });
      expect(config.baseDomain).toBe("example-shops.net");
      const store = storeRow({ name: "acme-shop", engine: "woocommerce" });
      const desired = desiredStore(
        store,
        config,
        new ChartCatalog(CHARTS_DIR, config.valuesProfile),
      );
      expect(desired.storeUrl).toBe("https://acme-shop.example-shops.net");
      // …and the store's own chart rendered with the values it hands to helm.
      const { objects } = await helm!.template(
        {
          release: desired.release.release,
          chart: desired.release.chart,
          namespace: desired.release.namespace,
          valuesFiles: desired.release.valuesFiles,
        },
        desired.release.values,
      );
      const hosts = objects
        .filter((o) => o.kind === "Ingress")
        .flatMap((o) =>
          ((o.spec as { rules?: { host?: string }[] }).rules ?? []).map((r) => r.host),
        );
      expect(hosts).toEqual(["acme-shop.example-shops.net"]);
    }, 60_000);
  },
);
