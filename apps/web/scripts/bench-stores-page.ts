// Server response time of the stores page with 100 stores: seeds 100 stores
// for one user through the API (the controller then drives them to Ready on
// the simulated cluster), waits until they settle, and times N sequential
// GET /stores of the production server (full HTML render, session lookup and
// the list query included), then the same with 10 requests in parallel.
//   npm run build -w @storeplane/web && npx tsx apps/web/scripts/bench-stores-page.ts [N]
// Real Postgres when TEST_DATABASE_URL is set (a fresh database in it), else PGlite.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createApiDeps, createServerCaller } from "@storeplane/api";
import { createFreshDatabase } from "@storeplane/db/testing";
import pino from "pino";
import { HttpSession } from "../test/support/http-session.ts";
import { startTestPlatform } from "../test/support/platform.ts";

const STORES = 100;
const requests = Number(process.argv[2] ?? 200);
if (!existsSync(join(import.meta.dirname, "../build/server/index.js"))) {
  console.error("no production build: run `npm run build -w @storeplane/web` first");
  process.exit(2);
}
const fresh = process.env.TEST_DATABASE_URL
  ? await createFreshDatabase(process.env.TEST_DATABASE_URL)
  : null;
const platform = await startTestPlatform({
  ...(fresh ? { databaseUrl: fresh.url } : {}),
  mode: "production",
  logLevel: "silent",
  storeLimitPerUser: STORES,
  storeLimitPlatform: STORES,
  latencies: { workloadsReadyMs: 200, jobCompleteMs: 100, helmInstallMs: 20 },
});

try {
  const session = new HttpSession(platform.url);
  await session.signUp("bench@example.com", "correct-horse-battery");
  const cookie = session.cookieHeader.match(/sp_session=([^;]+)/)?.[1] ?? "";
  const sessionToken = JSON.parse(Buffer.from(decodeURIComponent(cookie), "base64").toString());
  const deps = createApiDeps({
    database: platform.database,
    config: platform.apiConfig,
    logger: pino({ level: "silent" }),
  });
  const api = await createServerCaller({ deps, sessionToken });
  for (let index = 0; index < STORES; index += 1) {
    await api.stores.create({
      name: `bench-${String(index).padStart(3, "0")}`,
      engine: index % 3 === 0 ? "medusa" : "woocommerce",
      plan: "small",
    });
  }
  // Let the controller settle them, so the timing is not shared with 100 reconciles.
  for (let waited = 0; waited < 120; waited += 1) {
    const stores = await api.stores.list({ limit: 200 });
    if (stores.items.every((store) => store.phase === "Ready")) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const page = await (await session.request("/stores")).text();
  const rows = (page.match(/data-store="/g) ?? []).length;
  // One page of the list (50 by default), not every store.
  if (rows !== Math.min(STORES, 50)) throw new Error(`expected 50 rows, the page has ${rows}`);

  const time = async () => {
    const started = performance.now();
    const response = await session.request("/stores");
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    return performance.now() - started;
  };
  for (let warm = 0; warm < 20; warm += 1) await time();
  const sequential: number[] = [];
  for (let index = 0; index < requests; index += 1) sequential.push(await time());
  const parallel: number[] = [];
  const parallelStarted = performance.now();
  for (let batch = 0; batch < requests / 10; batch += 1) {
    parallel.push(...(await Promise.all(Array.from({ length: 10 }, time))));
  }
  const parallelSeconds = (performance.now() - parallelStarted) / 1000;

  const pct = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  };
  const line = (label: string, values: number[]) =>
    `${label}: p50 ${pct(values, 50).toFixed(1)} ms, p95 ${pct(values, 95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
  console.log(
    `GET /stores with ${STORES} stores (${Math.round(page.length / 1024)} kB HTML), ${platform.database.description}, production build:`,
  );
  console.log(`  ${line(`${requests} sequential`, sequential)}`);
  console.log(
    `  ${line(`${requests} at concurrency 10`, parallel)} (${(requests / parallelSeconds).toFixed(0)} req/s)`,
  );
} finally {
  await platform.close();
  await fresh?.drop();
}
