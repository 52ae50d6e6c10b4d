// Level: real helm. The dashboard host and the stores' base domain are two
// values (dashboard.host, stores.baseDomain), so stores can live under a
// registrable domain of their own — a tenant controls code on its store's host
// (docs/production.md). The dashboard's Ingress and allowed origin follow
// dashboard.host; the store URLs the API returns (web's STORE_BASE_DOMAIN) and
// the ingress hosts the controller renders (its STORE_BASE_DOMAIN) follow
// stores.baseDomain. apps/controller/test/desired-release.helm.test.ts carries
// the controller's side through to a store's rendered Ingress.
import { describe, expect, it } from "vitest";
import { type K8sObject, render, template } from "./helm.ts";

function deploymentEnv(objects: K8sObject[], suffix: string): Record<string, string> {
  const deployment = objects.find(
    (o) => o.kind === "Deployment" && o.metadata.name.endsWith(suffix),
  );
  if (!deployment) throw new Error(`no Deployment *${suffix}`);
  const env: { name: string; value?: string }[] = deployment.spec.template.spec.containers[0].env;
  return Object.fromEntries(env.flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])));
}

function facts(objects: K8sObject[]) {
  const web = deploymentEnv(objects, "-web");
  const controller = deploymentEnv(objects, "-controller");
  const ingress = objects.find((o) => o.kind === "Ingress");
  return {
    ingressHost: ingress?.spec.rules[0].host as string,
    tlsHosts: (ingress?.spec.tls?.[0]?.hosts ?? []) as string[],
    dashboardUrl: web.DASHBOARD_URL,
    publicUrl: web.PUBLIC_URL,
    apiStoreDomain: web.STORE_BASE_DOMAIN,
    apiStoreScheme: web.STORE_URL_SCHEME,
    controllerStoreDomain: controller.STORE_BASE_DOMAIN,
    controllerStoreScheme: controller.STORE_URL_SCHEME,
  };
}

describe("platform chart: dashboard host and store base domain", () => {
  it("defaults keep today's local behaviour (dashboard.localhost, stores at *.localhost)", () => {
    for (const file of ["values.yaml", "values-local.yaml"]) {
      expect(facts(render("platform", file)), file).toEqual({
        ingressHost: "dashboard.localhost",
        tlsHosts: [],
        dashboardUrl: "http://dashboard.localhost",
        publicUrl: "http://dashboard.localhost",
        apiStoreDomain: "localhost",
        apiStoreScheme: "http",
        controllerStoreDomain: "localhost",
        controllerStoreScheme: "http",
      });
    }
  });

  it("a separate store domain reaches the API and the controller, the dashboard host only the dashboard", () => {
    const objects = render("platform", "values-prod.yaml", [
      "--set",
      "dashboard.host=console.example.com",
      "--set",
      "stores.baseDomain=example-shops.net",
    ]);
    expect(facts(objects)).toEqual({
      ingressHost: "console.example.com",
      tlsHosts: ["console.example.com"],
      dashboardUrl: "https://console.example.com",
      publicUrl: "https://console.example.com",
      apiStoreDomain: "example-shops.net",
      apiStoreScheme: "https",
      controllerStoreDomain: "example-shops.net",
      controllerStoreScheme: "https",
    });
    // Nothing in the platform release answers on the stores' domain.
    expect(JSON.stringify(objects.filter((o) => o.kind === "Ingress"))).not.toContain(
      "example-shops.net",
    );
  });

  it("values-prod.yaml follows its own advice: the dashboard is not under the stores' domain", () => {
    const prod = facts(render("platform", "values-prod.yaml"));
    expect(prod.controllerStoreDomain).toBe(prod.apiStoreDomain);
    expect(`.${prod.ingressHost}`.endsWith(`.${prod.apiStoreDomain}`)).toBe(false);
    expect(prod.dashboardUrl).toBe(`https://${prod.ingressHost}`);
  });

  it.each([
    ["the old single baseDomain", ["--set", "baseDomain=shops.example.com"], /baseDomain/],
    ["a dashboard host with a scheme", ["--set", "dashboard.host=https://x.example.com"], /host/],
    ["a store domain with a wildcard", ["--set", "stores.baseDomain=*.example.net"], /baseDomain/],
    ["an unknown key under stores", ["--set", "stores.domain=x.net"], /domain/],
  ])("rejects %s", (_label, args, message) => {
    const result = template("platform", args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(result.stderr).toMatch(message);
  });
});
