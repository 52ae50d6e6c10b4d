// Level: unit. Configuration from the environment.
import { describe, expect, it } from "vitest";
import { readControllerConfig } from "./env.ts";

describe("readControllerConfig", () => {
  it("defaults to the real cluster and the documented values", () => {
    const c = readControllerConfig({});
    expect(c).toMatchObject({
      cluster: "kube",
      concurrency: 4,
      valuesProfile: "local",
      baseDomain: "localhost",
      urlScheme: "http",
      metricsPort: 9090,
    });
    expect(c.chartsDir).toMatch(/charts$/);
    expect(c.replicaId).toMatch(/-\d+$/);
    expect(c.database.url).toBeUndefined();
  });

  it("the simulated cluster only when asked for by name", () => {
    expect(readControllerConfig({ CLUSTER: "simulated" }).cluster).toBe("simulated");
    expect(() => readControllerConfig({ CLUSTER: "fake" })).toThrow(
      'CLUSTER must be one of kube, simulated (got "fake")',
    );
  });

  it("parses numbers and treats empty strings as unset", () => {
    const c = readControllerConfig({
      CONCURRENCY: "8",
      PROVISIONING_DEADLINE_SECONDS: "60",
      METRICS_PORT: "",
    });
    expect(c.concurrency).toBe(8);
    expect(c.provisioningDeadlineMs).toBe(60_000);
    expect(c.metricsPort).toBe(9090);
    expect(() => readControllerConfig({ CONCURRENCY: "0" })).toThrow(/^CONCURRENCY: /);
  });
});
