import type { ClusterStatus } from "../utils/load-context.server.ts";

/** States plainly what the dashboard is talking to; never lets the simulated cluster pass for a real one. */
export function ClusterBanner({ cluster }: { cluster: ClusterStatus }) {
  if (cluster.mode === "simulated") {
    return (
      <div className="banner banner-simulated" role="status" data-cluster="simulated">
        <div className="banner-inner">
          <span className="dot" aria-hidden="true" />
          <span>
            <strong>Simulated cluster</strong> — test and demo tool, no real Kubernetes. Stores here
            are not real shops.
          </span>
        </div>
      </div>
    );
  }
  if (cluster.mode === "kube" && cluster.reachable) {
    return (
      <div className="banner banner-connected" role="status" data-cluster="connected">
        <div className="banner-inner">
          <span className="dot" aria-hidden="true" />
          <span>
            Connected to cluster <strong>{cluster.context ?? "in-cluster"}</strong>
            {cluster.server ? <span className="muted"> · {cluster.server}</span> : null}
          </span>
        </div>
      </div>
    );
  }
  return (
    <div className="banner banner-unreachable" role="status" data-cluster="unreachable">
      <div className="banner-inner">
        <span className="dot" aria-hidden="true" />
        <span>
          <strong>Cluster unreachable</strong>
          {cluster.context ? ` (${cluster.context})` : ""}:{" "}
          {cluster.message.replace(/^unreachable:\s*/, "")}. Stores are saved and will be
          provisioned once the controller reaches a cluster.
        </span>
      </div>
    </div>
  );
}
