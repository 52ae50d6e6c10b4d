// BENCHMARK TOOL — the cluster for bench-controller-memory.ts, in a process of
// its own: the fake API server (TEST TOOL, packages/k8s/src/testing) filled
// with what N Ready stores hold in a real cluster (ready-store-objects.ts,
// built from the controller's own desiredStore for each store row in the
// database). The parent drives it over IPC: count requests, delete a
// Deployment and say when.
import { writeFileSync } from "node:fs";
import { openDatabase } from "@storeplane/db";
import { FakeApiServer, type RecordedRequest } from "@storeplane/k8s/testing";
import { ChartCatalog, desiredStore } from "../../apps/controller/src/desired.ts";
import { readControllerConfig } from "../../apps/controller/src/env.ts";
import { readyStoreObjects } from "../../apps/controller/test/ready-store-objects.ts";

export type ClusterCommand =
  | { cmd: "mark" }
  | { cmd: "count" }
  | { cmd: "delete-deployment"; namespace: string; name: string };

export interface RequestCounts {
  lists: number;
  watches: number;
  other: number;
  version: number;
  openWatches: number;
}

const databaseUrl = process.env.BENCH_DATABASE_URL;
const kubeconfigPath = process.env.BENCH_KUBECONFIG;
if (!databaseUrl || !kubeconfigPath)
  throw new Error("BENCH_DATABASE_URL and BENCH_KUBECONFIG are required");

/** A collection path (cluster-wide or namespaced), not one object's. */
function isList(path: string): boolean {
  const parts = path.split("/").filter(Boolean);
  const rest = parts[0] === "api" ? parts.slice(2) : parts.slice(3);
  return rest.length === 1 || (rest[0] === "namespaces" && rest.length === 3);
}

function send(message: unknown): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  // The same configuration the controller reads from this environment.
  const config = readControllerConfig();
  const charts = new ChartCatalog(config.chartsDir, config.valuesProfile);
  const handle = await openDatabase({ url: databaseUrl });
  const stores = await handle.db.selectFrom("stores").selectAll().execute();
  await handle.close();

  const api = new FakeApiServer();
  let objects = 0;
  for (const store of stores) {
    for (const o of readyStoreObjects(desiredStore(store, config, charts), store.id)) {
      api.put(o);
      objects += 1;
    }
  }
  // Seeding is history no watch needs: start the window after it.
  api.objects.compact();
  await api.start();
  // Requests are kept only as counters: the server's request log would grow without bound.
  const counts: RequestCounts = { lists: 0, watches: 0, other: 0, version: 0, openWatches: 0 };
  api.intercept((r: RecordedRequest) => {
    api.requests.length = 0;
    if (r.path === "/version") counts.version += 1;
    else if (r.method === "GET" && (r.query.watch === "true" || r.query.watch === "1"))
      counts.watches += 1;
    else if (r.method === "GET" && isList(r.path)) counts.lists += 1;
    else counts.other += 1;
    return undefined;
  });
  const kc = api.kubeConfig();
  writeFileSync(kubeconfigPath as string, kc.exportConfig());

  process.on("message", (m: ClusterCommand) => {
    switch (m.cmd) {
      case "mark":
        counts.lists = counts.watches = counts.other = counts.version = 0;
        send({ cmd: "mark", ok: true });
        return;
      case "count":
        send({ cmd: "count", counts: { ...counts, openWatches: api.objects.openWatches.length } });
        return;
      case "delete-deployment": {
        const at = Date.now();
        const deleted = api.objects.delete(`apps|deployments|${m.namespace}|${m.name}`);
        send({ cmd: "delete-deployment", at, deleted });
        return;
      }
    }
  });
  // The parent is done (or gone): nothing here is worth a graceful close.
  process.on("disconnect", () => process.exit(0));
  send({ cmd: "ready", url: api.url, stores: stores.length, objects });
}

main().catch((error: unknown) => {
  console.error("bench cluster process failed:", error);
  process.exit(1);
});
