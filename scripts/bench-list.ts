// Benchmark: `stores.list` and the admin lists at 10,000 stores, as a client
// calls them — the typed client over HTTP to the production web server's
// /api/trpc (the real tRPC handler, session lookup included) — on real
// Postgres migrated by the real migrations and seeded with one
// INSERT … SELECT generate_series. p50/p99 at 1 and at 10 concurrent
// connections (goal: p99 < 20 ms at one connection for a page of 50), then
// every SQL statement each list request issues under EXPLAIN (ANALYZE,
// BUFFERS); exits non-zero if any reads the stores table by a Seq Scan.
// The simulated cluster (test and demo tool) backs the platform; the seeded
// stores are not due, so the controller stays idle.
//
//   npm run build -w @storeplane/web && npm run bench:list
//   STORES=10000 SAMPLES=300 npm run bench:list     # defaults
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createClient, type StoreplaneClient } from "@storeplane/api/client";
import { encodeCursor } from "@storeplane/api/schemas";
import { sql } from "kysely";
import { startTestPlatform } from "../apps/web/test/support/platform.ts";
import { benchPostgres } from "./bench/postgres.ts";
import { captureQueries, explainQueries, oneLine } from "./bench/query-capture.ts";
import { seedFleet } from "./bench/seed.ts";
import { machineLoad, ms, percentile, timeCalls } from "./bench/stats.ts";

const STORES = Number(process.env.STORES ?? 10_000);
const SAMPLES = Number(process.env.SAMPLES ?? 300);
const GOAL_P99_MS = 20;
const PASSWORD = "correct horse battery";

if (!existsSync(join(import.meta.dirname, "../apps/web/build/server/index.js"))) {
  console.error("no production build: run `npm run build -w @storeplane/web` first");
  process.exit(2);
}

async function signUp(url: string, email: string) {
  const { sessionToken, user } = await createClient({ url }).auth.signup.mutate({
    email,
    password: PASSWORD,
  });
  return { client: createClient({ url, token: sessionToken }), id: user.id };
}

async function main() {
  const pg = await benchPostgres();
  const platform = await startTestPlatform({
    databaseUrl: pg.url,
    mode: "production",
    logLevel: "silent",
    apiEnv: { SIGNUPS_ENABLED: "true" },
  });
  let failed = false;
  try {
    // The first account is the admin; the member owns the fleet (the worst
    // case for a member's list: its filters and total run over every store).
    const admin = await signUp(platform.url, "admin@bench.test");
    const member = await signUp(platform.url, "member@bench.test");
    const t0 = performance.now();
    await seedFleet(platform.database, member.id, {
      stores: STORES,
      deleted: Math.round(STORES / 20),
      otherUsers: 1_000,
    });
    const seedMs = performance.now() - t0;
    // A cursor in the middle of the list: a deep page costs what the first does.
    const middle = await sql<{ id: string }>`
      select id from stores where deleted_at is null
      order by created_at desc, id desc offset ${Math.floor(STORES / 2)} limit 1`.execute(
      platform.database.db,
    );
    const deepCursor = encodeCursor(middle.rows[0]?.id ?? "");

    const cases: [
      string,
      (c: {
        member: StoreplaneClient;
        admin: StoreplaneClient;
      }) => Promise<{ items: unknown[]; total: number }>,
    ][] = [
      ["stores.list, first page", (c) => c.member.stores.list.query({})],
      [
        `stores.list, page at store ${Math.floor(STORES / 2)} (cursor)`,
        (c) => c.member.stores.list.query({ cursor: deepCursor }),
      ],
      ["stores.list engine=medusa", (c) => c.member.stores.list.query({ engine: "medusa" })],
      ["stores.list phase=Failed", (c) => c.member.stores.list.query({ phase: "Failed" })],
      [
        "stores.list namePrefix=shop-00",
        (c) => c.member.stores.list.query({ namePrefix: "shop-00" }),
      ],
      ["admin.stores, first page", (c) => c.admin.admin.stores.query({})],
      [
        "admin.stores owner + phase=Ready",
        (c) => c.admin.admin.stores.query({ owner: "member@bench.test", phase: "Ready" }),
      ],
      ["admin.users, first page", (c) => c.admin.admin.users.query({})],
    ];
    const clients = { member: member.client, admin: admin.client };
    const rows: Record<string, string | number>[] = [];
    const plans: string[] = [];
    const loadBefore = machineLoad();
    for (const [label, call] of cases) {
      const first = await call(clients);
      const one = await timeCalls(() => call(clients), { samples: SAMPLES, connections: 1 });
      const ten = await timeCalls(() => call(clients), { samples: SAMPLES * 2, connections: 10 });
      const p99one = percentile(one, 99);
      const row: Record<string, string | number> = {
        list: label,
        "rows / total": `${first.items.length} / ${first.total}`,
        "1 conn p50 (ms)": ms(percentile(one, 50)),
        "1 conn p99 (ms)": ms(p99one),
        "10 conn p50 (ms)": ms(percentile(ten, 50)),
        "10 conn p99 (ms)": ms(percentile(ten, 99)),
        "goal p99 < 20 ms at 1 conn":
          p99one < GOAL_P99_MS ? "met" : `missed by ${ms(p99one - GOAL_P99_MS)} ms`,
      };
      const explained = await explainQueries(pg.url, await captureQueries(() => call(clients)));
      // Postgres' own time for the statements of one request: what is left of
      // the latency is the server process (auth, tRPC, JSON) and waiting for a CPU.
      const sqlMs = explained.reduce(
        (sum, q) => sum + Number(/Execution Time: ([\d.]+) ms/.exec(q.plan)?.[1] ?? 0),
        0,
      );
      row["SQL statements"] = explained.length;
      row["SQL time (ms)"] = ms(sqlMs);
      rows.push(row);
      plans.push(`\n### ${label}: ${explained.length} statements`);
      for (const q of explained) {
        plans.push(`\n-- ${oneLine(q.text)}\n${q.plan}`);
        if (q.seqScans.includes("stores")) {
          failed = true;
          plans.push(`!! Seq Scan on stores in: ${oneLine(q.text)}`);
        }
      }
    }
    console.log(plans.join("\n"));
    console.log(
      `\nstores.list and admin lists over HTTP (typed client → production web server /api/trpc), ${pg.server}, ${STORES} live stores + ${Math.round(STORES / 20)} deleted, 1,002 users; seeded in ${ms(seedMs)} ms; ${SAMPLES} samples at 1 connection, ${SAMPLES * 2} at 10; ${loadBefore} before, ${machineLoad()} after:`,
    );
    console.table(rows);
    console.log(
      failed
        ? "FAILED: a list statement reads the stores table by a Seq Scan (see the plans above)"
        : "No list statement reads the stores table by a Seq Scan (EXPLAIN ANALYZE of every statement above).",
    );
  } finally {
    await platform.close();
    await pg.close();
  }
  if (failed) process.exitCode = 1;
}

await main();
