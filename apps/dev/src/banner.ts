// What `npm run dev` prints once it is up: the three facts a newcomer needs
// (where the dashboard is, which cluster it acts on, where the data lives) and
// nothing else. The cluster line uses the same words as the dashboard banner
// (the cluster reader's message), so the terminal never contradicts the page.

/** The dashboard's ClusterStatus, structurally. */
interface ClusterInfo {
  mode: string;
  reachable: boolean;
  context: string | null;
  message: string;
}

export interface BannerFacts {
  url: string;
  cluster: ClusterInfo;
  database: string;
  /** Set when the data is the embedded PGlite in a directory: how to start afresh. */
  pgliteDataDir: string | null;
}

export function startupBanner(facts: BannerFacts): string {
  const lines = [
    `storeplane dev is running`,
    `  dashboard  ${facts.url}   (API: ${facts.url}/api/trpc)`,
    `  mode       ${describeMode(facts.cluster)}`,
    `  database   ${facts.database}`,
  ];
  if (facts.pgliteDataDir) {
    lines.push(`             reset: stop the server, then delete ${facts.pgliteDataDir}`);
  }
  lines.push("  Stop with Ctrl+C. LOG_LEVEL=info shows what the controller does.");
  return `${lines.join("\n")}\n`;
}

function describeMode(cluster: ClusterInfo): string {
  if (cluster.mode === "simulated") {
    return "SIMULATED cluster (CLUSTER=simulated): an in-memory test and demo tool, nothing reaches Kubernetes";
  }
  if (cluster.mode === "kube" && cluster.reachable) {
    return `Kubernetes, context ${cluster.context ?? "in-cluster"}: ${cluster.message}`;
  }
  const reason = cluster.message.replace(/^unreachable:\s*/, "");
  const context = cluster.context ? ` (${cluster.context})` : "";
  return `Kubernetes, cluster unreachable${context}: ${reason}. Stores wait in Pending until it is reachable; CLUSTER=simulated runs a demo without one`;
}
