// npm run e2e: the real-cluster end-to-end suite. Without a reachable cluster
// or dashboard it stops with a clear message and a non-zero exit: not a pass.
import { readConfig } from "./config.ts";
import { runSuite, summary } from "./suite.ts";
import { clusterProblem } from "./tools.ts";

const EXIT_NOT_RUN = 2;

async function dashboardProblem(url: string): Promise<string | null> {
  const { resolveLocalhostNames } = await import("./localhost-dns.ts");
  resolveLocalhostNames();
  try {
    const res = await fetch(`${url.replace(/\/+$/, "")}/healthz`, {
      signal: AbortSignal.timeout(10_000),
    });
    return res.ok ? null : `the dashboard at ${url} answered /healthz with HTTP ${res.status}`;
  } catch (error) {
    return `the dashboard at ${url} is not reachable (${(error as Error).cause ?? (error as Error).message})`;
  }
}

async function main(): Promise<number> {
  const config = readConfig();
  const cluster = clusterProblem();
  if (cluster) {
    console.error(
      `e2e NOT RUN: ${cluster}.\nStart one with \`npm run up\` (needs Docker and kind), or point KUBECONFIG at a cluster running storeplane.`,
    );
    return EXIT_NOT_RUN;
  }
  const dashboard = await dashboardProblem(config.url);
  if (dashboard) {
    console.error(
      `e2e NOT RUN: ${dashboard}.\nSet STOREPLANE_URL to the dashboard URL (default http://dashboard.localhost after \`npm run up\`).`,
    );
    return EXIT_NOT_RUN;
  }
  const started = Date.now();
  const result = await runSuite(config);
  console.log(`\n${summary(result)}\ntotal ${Math.round((Date.now() - started) / 1000)}s`);
  console.log(
    result.ok
      ? "e2e: 2 stores provisioned, ordered from, deleted, nothing left behind"
      : "e2e: FAILED",
  );
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`e2e FAILED: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
