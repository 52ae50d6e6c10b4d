// Level: unit (a real HTTP server on a free port).
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer } from "./http.ts";
import { createMetrics } from "./metrics.ts";

let close: (() => void) | undefined;
afterEach(() => close?.());

async function serve(mode: "kube" | "simulated", running = true) {
  const metrics = createMetrics({
    queueDepth: () => 3,
    storesByPhase: async () => ({ Ready: 2, Failed: 1 }),
    clusterMode: mode,
    replicaId: "r1",
  });
  metrics.failures.inc({ reason: "KubeUnavailable" });
  const server = createHttpServer({
    replicaId: "r1",
    clusterMode: mode,
    clusterMessage: () =>
      mode === "simulated"
        ? "simulated cluster (test and demo tool) — no real Kubernetes"
        : "connected",
    loopRunning: () => running,
    databaseOk: async () => true,
    registry: metrics.registry,
  });
  await new Promise<void>((r) => server.listen(0, r));
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("health and metrics", () => {
  it("health says which cluster the controller acts on, loudly when simulated", async () => {
    const base = await serve("simulated");
    const body = await (await fetch(`${base}/healthz`)).json();
    expect(body).toMatchObject({ status: "ok", cluster: { mode: "simulated" } });
    expect(body.warning).toContain("SIMULATED");
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("not ready while the loop is not running", async () => {
    const base = await serve("kube", false);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
  });

  it("exposes reconcile duration, queue depth, stores by phase and failures by reason", async () => {
    const base = await serve("kube");
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain("storeplane_reconcile_duration_seconds");
    expect(text).toContain("storeplane_controller_queue_depth 3");
    expect(text).toContain('storeplane_stores{phase="Ready"} 2');
    expect(text).toContain('storeplane_reconcile_failures_total{reason="KubeUnavailable"} 1');
    expect(text).toContain('storeplane_controller_info{cluster_mode="kube",replica="r1"} 1');
  });
});
