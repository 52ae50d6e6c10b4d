// Level: real helm. Since 0.2.0 each engine chart names its health check in
// Chart.yaml (storeplane.io/health-service, -port, -path); the controller's
// rollout gate asks that path through the API server's service proxy. That
// only proves anything if the Service and port exist as rendered and the
// path is the one the engine's readiness probe asks, for every values file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { chartsDir, ENGINE_CHARTS, ENGINES, render, VALUES_FILES } from "./helm.ts";

function healthAnnotations(chart: string) {
  const meta = parse(readFileSync(join(chartsDir, chart, "Chart.yaml"), "utf8"));
  const a = meta.annotations ?? {};
  const service = a["storeplane.io/health-service"];
  const port = a["storeplane.io/health-port"];
  const path = a["storeplane.io/health-path"];
  return service && port && path ? { service, port, path } : null;
}

describe("the current engine charts name their health check", () => {
  it.each(ENGINES)("%s", (chart) => {
    expect(healthAnnotations(chart)).not.toBeNull();
  });
});

const annotated = ENGINE_CHARTS.filter((chart) => healthAnnotations(chart) !== null);

describe.each(annotated)("%s health check", (chart) => {
  const health = healthAnnotations(chart)!;
  it.each(VALUES_FILES)(
    "with %s: the Service port exists and the app's readiness probe asks the path",
    (valuesFile) => {
      const objects = render(chart, valuesFile);
      const service = objects.find(
        (o) => o.kind === "Service" && o.metadata.name === `store-${health.service}`,
      );
      expect(service, `Service store-${health.service}`).toBeDefined();
      expect(service?.spec.ports.map((p: { name: string }) => p.name)).toContain(health.port);
      const app = objects.find(
        (o) => o.kind === "Deployment" && o.metadata.name === `store-${health.service}`,
      );
      const probe = app?.spec.template.spec.containers[0].readinessProbe.httpGet;
      expect(probe).toMatchObject({ path: health.path, port: health.port });
    },
  );
});
