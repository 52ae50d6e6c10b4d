// Benchmark: the dashboard's server render at 10,000 stores — GET /stores (and
// a search, a deep page, /admin) from the production Remix server build with a
// signed-in session cookie, full HTML read, on real Postgres migrated by the
// real migrations and seeded with one INSERT … SELECT generate_series.
// p50/p99 at 1 and at 10 concurrent connections. The simulated cluster (test
// and demo tool) backs the platform; the seeded stores are not due, so the
// controller stays idle.
//
//   npm run build -w @storeplane/web && npm run bench:render
//   STORES=10000 SAMPLES=200 npm run bench:render     # defaults
import { existsSync } from "node:fs";
import { join } from "node:path";
import { encodeCursor } from "@storeplane/api/schemas";
import { sql } from "kysely";
import { HttpSession } from "../apps/web/test/support/http-session.ts";
import { startTestPlatform } from "../apps/web/test/support/platform.ts";
import { benchPostgres } from "./bench/postgres.ts";
import { seedFleet } from "./bench/seed.ts";
import { machineLoad, ms, percentile, timeCalls } from "./bench/stats.ts";

const STORES = Number(process.env.STORES ?? 10_000);
const SAMPLES = Number(process.env.SAMPLES ?? 200);
const PASSWORD = "correct horse battery";

if (!existsSync(join(import.meta.dirname, "../apps/web/build/server/index.js"))) {
  console.error("no production build: run `npm run build -w @storeplane/web` first");
  process.exit(2);
}

async function main() {
  const pg = await benchPostgres();
  const platform = await startTestPlatform({
    databaseUrl: pg.url,
    mode: "production",
    logLevel: "silent",
    apiEnv: { SIGNUPS_ENABLED: "true" },
  });
  try {
    // Through the real sign-up form: the first account is the admin.
    const admin = new HttpSession(platform.url);
    await admin.signUp("admin@bench.test", PASSWORD);
    const member = new HttpSession(platform.url);
    await member.signUp("member@bench.test", PASSWORD);
    const owner = await platform.database.db
      .selectFrom("users")
      .select("id")
      .where("email", "=", "member@bench.test")
      .executeTakeFirstOrThrow();
    await seedFleet(platform.database, owner.id, {
      stores: STORES,
      deleted: Math.round(STORES / 20),
      otherUsers: 1_000,
    });
    const middle = await sql<{ id: string }>`
      select id from stores where deleted_at is null
      order by created_at desc, id desc offset ${Math.floor(STORES / 2)} limit 1`.execute(
      platform.database.db,
    );
    const deep = `/stores?cursor=${encodeCursor(middle.rows[0]?.id ?? "")}&page=${Math.floor(STORES / 100)}`;

    const pages: [string, HttpSession, string][] = [
      ["/stores (first page)", member, "/stores"],
      ["/stores deep page (cursor)", member, deep],
      ["/stores?q=shop-00&phase=Ready", member, "/stores?q=shop-00&phase=Ready"],
      ["/admin (stores and users)", admin, "/admin"],
    ];
    const rows: Record<string, string | number>[] = [];
    const loadBefore = machineLoad();
    for (const [label, session, path] of pages) {
      const get = async () => {
        const response = await session.request(path);
        const html = await response.text();
        if (response.status !== 200) throw new Error(`GET ${path}: status ${response.status}`);
        return html;
      };
      const html = await get();
      // Table rows, headers included: proves the page rendered a list, not an error.
      const tableRows = (html.match(/<tr[ >]/g) ?? []).length;
      if (tableRows < 2) throw new Error(`GET ${path}: no list rows in the page`);
      const one = await timeCalls(get, { samples: SAMPLES, connections: 1 });
      const ten = await timeCalls(get, { samples: SAMPLES * 2, connections: 10 });
      rows.push({
        page: label,
        "table rows": tableRows,
        "HTML kB": Math.round(html.length / 1024),
        "1 conn p50 (ms)": ms(percentile(one, 50)),
        "1 conn p99 (ms)": ms(percentile(one, 99)),
        "10 conn p50 (ms)": ms(percentile(ten, 50)),
        "10 conn p99 (ms)": ms(percentile(ten, 99)),
      });
    }
    console.log(
      `Server render (production Remix build, signed-in session, full HTML), ${pg.server}, ${STORES} live stores + ${Math.round(STORES / 20)} deleted of one member, 1,002 users; ${SAMPLES} samples at 1 connection, ${SAMPLES * 2} at 10; ${loadBefore} before, ${machineLoad()} after:`,
    );
    console.table(rows);
  } finally {
    await platform.close();
    await pg.close();
  }
}

await main();
