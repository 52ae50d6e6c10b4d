// Level: real helm. Suspend (issue 16): what both engine charts render with
// `suspended: true` (the value the controller passes, StoreChartValues) for
// every values file — every workload at zero replicas, volumes and the Secret
// reference kept, no setup Job, the Ingress on the paused page — and that
// without it nothing of the paused page is rendered.
import { STORE_PAUSED_PAGE, STORE_SECRET_NAME } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { ENGINE_CHARTS, type K8sObject, render, VALUES_FILES } from "./helm.ts";

const WORKLOADS = new Set(["Deployment", "StatefulSet"]);
const names = (objects: K8sObject[], kind: string) =>
  objects
    .filter((o) => o.kind === kind)
    .map((o) => o.metadata.name)
    .sort();
const backends = (objects: K8sObject[]) =>
  objects
    .filter((o) => o.kind === "Ingress")
    // biome-ignore lint/suspicious/noExplicitAny: rendered Ingress rules, read loosely
    .flatMap((o) => o.spec.rules.flatMap((r: any) => r.http.paths))
    // biome-ignore lint/suspicious/noExplicitAny: rendered Ingress paths, read loosely
    .map((p: any) => `${p.path} → ${p.backend.service.name}:${p.backend.service.port.name}`);

describe.each(ENGINE_CHARTS)("%s suspended", (chart) => {
  describe.each(VALUES_FILES)("with %s", (valuesFile) => {
    const running = render(chart, valuesFile);
    const suspended = render(chart, valuesFile, ["--set", "suspended=true"]);

    it("scales every workload of the store to zero and runs only the paused page", () => {
      const own = suspended.filter(
        (o) => WORKLOADS.has(o.kind) && o.metadata.name !== STORE_PAUSED_PAGE,
      );
      expect(own.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
        running
          .filter((o) => WORKLOADS.has(o.kind))
          .map((o) => `${o.kind}/${o.metadata.name}`)
          .sort(),
      );
      expect(own.map((o) => o.spec.replicas)).toEqual(own.map(() => 0));
      const paused = suspended.find(
        (o) => o.kind === "Deployment" && o.metadata.name === STORE_PAUSED_PAGE,
      );
      expect(paused?.spec.replicas).toBe(1);
      expect(running.filter((o) => WORKLOADS.has(o.kind)).every((o) => o.spec.replicas === 1)).toBe(
        true,
      );
    });

    it("keeps volumes and the store Secret as they are, and runs no setup Job", () => {
      expect(names(suspended, "PersistentVolumeClaim")).toEqual(
        names(running, "PersistentVolumeClaim"),
      );
      const claimTemplates = (objects: K8sObject[]) =>
        objects
          .filter((o) => o.kind === "StatefulSet")
          .map((o) => JSON.stringify(o.spec.volumeClaimTemplates));
      expect(claimTemplates(suspended)).toEqual(claimTemplates(running));
      // The scaled-down workloads still read the same Secret when they come back.
      const secretRefs = (objects: K8sObject[]) =>
        JSON.stringify(objects.filter((o) => WORKLOADS.has(o.kind))).match(
          new RegExp(`"${STORE_SECRET_NAME}"`, "g"),
        )?.length;
      expect(secretRefs(suspended)).toBe(secretRefs(running));
      expect(names(running, "Job")).toHaveLength(1);
      expect(names(suspended, "Job")).toEqual([]);
    });

    it("routes every Ingress path to the paused page, on the same host and TLS", () => {
      const before = backends(running);
      const after = backends(suspended);
      expect(after).toHaveLength(before.length);
      expect(after.every((b) => b.endsWith(`→ ${STORE_PAUSED_PAGE}:http`))).toBe(true);
      const hostsAndTls = (objects: K8sObject[]) =>
        objects
          .filter((o) => o.kind === "Ingress")
          .map((o) =>
            JSON.stringify({
              tls: o.spec.tls,
              hosts: o.spec.rules.map((r: { host: string }) => r.host),
            }),
          );
      expect(hostsAndTls(suspended)).toEqual(hostsAndTls(running));
      const service = suspended.find(
        (o) => o.kind === "Service" && o.metadata.name === STORE_PAUSED_PAGE,
      );
      expect(service?.spec.selector["app.kubernetes.io/component"]).toBe("paused-page");
    });

    it("serves a static page naming the store, for every path", () => {
      const page = suspended.find(
        (o) => o.kind === "ConfigMap" && o.metadata.name === STORE_PAUSED_PAGE,
      );
      expect(page?.data["index.html"]).toContain("<title>This store is paused</title>");
      expect(page?.data["index.html"]).toContain("shop is not taking visitors or orders");
      expect(page?.data["index.html"]).not.toMatch(/<script|cookie/i);
      // busybox httpd answers unknown paths (/wp-admin, /app) with the same page.
      expect(page?.data["httpd.conf"]).toBe("E404:/www/index.html\n");
    });

    it("renders nothing of the paused page while the store runs", () => {
      expect(running.filter((o) => o.metadata.name === STORE_PAUSED_PAGE)).toEqual([]);
    });
  });
});
