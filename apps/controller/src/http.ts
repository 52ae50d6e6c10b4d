// /healthz (the process is alive; says which cluster it acts on), /readyz
// (the loop runs and the database answers) and /metrics for Prometheus.
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface HealthSources {
  replicaId: string;
  clusterMode: "kube" | "simulated";
  /** Banner sentence from Cluster.info(), e.g. the simulated cluster's warning. */
  clusterMessage(): string;
  loopRunning(): boolean;
  databaseOk(): Promise<boolean>;
  registry: Registry;
}

export function healthBody(
  sources: HealthSources,
  status: "ok" | "not running" | "database unreachable",
) {
  return {
    status,
    replica: sources.replicaId,
    cluster: { mode: sources.clusterMode, message: sources.clusterMessage() },
    ...(sources.clusterMode === "simulated"
      ? { warning: "SIMULATED CLUSTER: nothing is deployed to Kubernetes" }
      : {}),
  };
}

export function createHttpServer(sources: HealthSources): Server {
  return createServer((req, res) => {
    const send = (code: number, body: unknown, type = "application/json") => {
      res.writeHead(code, { "content-type": type });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    void (async () => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/healthz")
        return send(200, healthBody(sources, sources.loopRunning() ? "ok" : "not running"));
      if (path === "/readyz") {
        const running = sources.loopRunning();
        const db = running ? await sources.databaseOk() : false;
        const ready = running && db;
        return send(ready ? 200 : 503, {
          ...healthBody(sources, ready ? "ok" : running ? "database unreachable" : "not running"),
          loop: running,
          database: db,
        });
      }
      if (path === "/metrics")
        return send(200, await sources.registry.metrics(), sources.registry.contentType);
      send(404, { error: "not found" });
    })().catch((error: unknown) =>
      send(500, { error: error instanceof Error ? error.message : "error" }),
    );
  });
}
