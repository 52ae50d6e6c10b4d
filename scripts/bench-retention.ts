// Benchmark: one history-retention pass (the controller's applyRetention:
// pruneStoreEvents + pruneAuditLog) over 1,000,000 store events and 1,000,000
// audit rows on real Postgres, migrated by the real migrations and seeded with
// INSERT … SELECT generate_series. Store i of 10,000 has (i mod 5) × 50 events,
// one a day back from now; audit rows are spread over the past year. Policy:
// the production defaults (90 days, newest 100 events per store kept, audit
// 90 days). Reports the pass time and rows deleted, checks that every store
// kept its newest 100 events (or all it had) and every event inside the
// window, then times a second pass (nothing left to do), and prints
// EXPLAIN (ANALYZE, BUFFERS) of each distinct statement a pass issues
// (captured from a pass run inside a transaction that is rolled back).
//
//   npm run bench:retention
//   STORES=10000 EVENTS_PER_STORE_STEP=50 AUDIT_ROWS=1000000 npm run bench:retention   # defaults
import { migrateToLatest, openDatabase } from "@storeplane/db";
import { sql } from "kysely";
import { applyRetention, type RetentionConfig } from "../apps/controller/src/retention.ts";
import { benchPostgres } from "./bench/postgres.ts";
import { captureQueries, explainQueries, oneLine } from "./bench/query-capture.ts";
import { settleLikeAutovacuum } from "./bench/seed.ts";
import { machineLoad, ms } from "./bench/stats.ts";

const STORES = Number(process.env.STORES ?? 10_000);
const STEP = Number(process.env.EVENTS_PER_STORE_STEP ?? 50);
const AUDIT_ROWS = Number(process.env.AUDIT_ROWS ?? 1_000_000);
const POLICY: RetentionConfig = {
  intervalMs: 3_600_000,
  eventDays: 90,
  eventsKeepPerStore: 100,
  auditDays: 90,
};
const DAY_MS = 86_400_000;

class RolledBack extends Error {}

async function main() {
  const pg = await benchPostgres();
  const handle = await openDatabase({ url: pg.url, poolSize: 4 });
  let failed = false;
  try {
    await migrateToLatest(handle.db);
    const t0 = performance.now();
    const owner = await handle.db
      .insertInto("users")
      .values({ email: "owner@bench.test", password_hash: "x", role: "member" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await sql`
      insert into stores (name, engine, plan, owner_id, phase, created_at, next_reconcile_at)
      select 'shop-' || lpad(g::text, 5, '0'), 'woocommerce', 'small', ${owner.id}::uuid, 'Ready',
             now() - interval '2 years' + g * interval '1 second', now() + interval '1 year'
      from generate_series(1, ${STORES}::int) g`.execute(handle.db);
    // Event k of a store with n events is (n - k) days old: k = n is today's.
    await sql`
      insert into store_events (store_id, created_at, type, reason, message, actor)
      select s.id, now() - (s.n - k) * interval '1 day', 'Normal', 'Reconciled',
             'store reconciled (benchmark row)', 'controller:bench'
      from (select id, (row_number() over (order by id) % 5) * ${STEP}::int as n from stores) s,
           lateral generate_series(1, s.n) k`.execute(handle.db);
    await sql`
      insert into audit_log (created_at, actor, action, target_type, target_id, details)
      select now() - (g % 365) * interval '1 day' - (g % 86400) * interval '1 second',
             'user:bench@example.test', 'store.create', 'store', g::text, '{}'::jsonb
      from generate_series(1, ${AUDIT_ROWS}::int) g`.execute(handle.db);
    for (const table of ["stores", "store_events", "audit_log"])
      await settleLikeAutovacuum(handle, table);
    const seedMs = performance.now() - t0;

    const now = Date.now();
    const eventCutoff = new Date(now - POLICY.eventDays * DAY_MS);
    const auditCutoff = new Date(now - POLICY.auditDays * DAY_MS);
    const countOf = async (table: "store_events" | "audit_log") =>
      Number(
        (
          await handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as("c"))
            .executeTakeFirstOrThrow()
        ).c,
      );
    const eventsBefore = await countOf("store_events");
    const auditBefore = await countOf("audit_log");
    // What must survive, per store: its newest `keep` events and everything inside the window.
    await sql`
      create table bench_expected as
      select store_id, count(*) as had, max(id) as newest,
             greatest(least(count(*), ${POLICY.eventsKeepPerStore}::int),
                      count(*) filter (where created_at >= ${eventCutoff})) as keeps
      from store_events group by store_id`.execute(handle.db);
    const expectedEvents = Number(
      (await sql<{ n: string }>`select sum(keeps) as n from bench_expected`.execute(handle.db))
        .rows[0]?.n,
    );
    const expectedAudit = Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from audit_log where created_at >= ${auditCutoff}`.execute(
          handle.db,
        )
      ).rows[0]?.n,
    );

    // The statements a pass issues, from a pass whose effects are rolled back.
    const captured = await captureQueries(() =>
      handle.db
        .transaction()
        .execute(async (trx) => {
          await applyRetention({ ...handle, db: trx }, POLICY, now);
          throw new RolledBack();
        })
        .catch((error) => {
          if (!(error instanceof RolledBack)) throw error;
        }),
    );
    const distinct = [...new Map(captured.map((q) => [q.text, q])).values()];
    const explained = await explainQueries(pg.url, distinct);

    const p1 = performance.now();
    const first = await applyRetention(handle, POLICY, now);
    const firstMs = performance.now() - p1;
    const p2 = performance.now();
    const second = await applyRetention(handle, POLICY, now);
    const secondMs = performance.now() - p2;

    const eventsAfter = await countOf("store_events");
    const auditAfter = await countOf("audit_log");
    const violations = await sql<{ stores: string }>`
      select count(*) as stores from bench_expected x
      left join lateral (
        select count(*) as has, max(id) as newest from store_events e where e.store_id = x.store_id
      ) e on true
      where e.has <> x.keeps or e.newest is distinct from x.newest`.execute(handle.db);
    const badStores = Number(violations.rows[0]?.stores);
    const checks: [string, boolean][] = [
      [
        `every store kept its newest ${POLICY.eventsKeepPerStore} events (or all it had) and every event of the last ${POLICY.eventDays} days`,
        badStores === 0,
      ],
      [`store events left = expected (${expectedEvents})`, eventsAfter === expectedEvents],
      [
        `audit rows left = those of the last ${POLICY.auditDays} days (${expectedAudit})`,
        auditAfter === expectedAudit,
      ],
      ["second pass deleted nothing", second.events === 0 && second.audit === 0],
    ];
    failed = checks.some(([, ok]) => !ok);

    console.log("Statements of one retention pass, EXPLAIN (ANALYZE, BUFFERS) on the seeded data:");
    for (const q of explained) console.log(`\n-- ${oneLine(q.text).slice(0, 400)}\n${q.plan}`);
    console.log(
      `\nHistory retention, ${pg.server}: ${STORES} stores, ${eventsBefore} store events, ${auditBefore} audit rows (seeded in ${ms(seedMs)} ms); policy ${POLICY.eventDays} days, newest ${POLICY.eventsKeepPerStore} per store, audit ${POLICY.auditDays} days; ${machineLoad()}:`,
    );
    console.table([
      {
        pass: "first (prunes)",
        "time (ms)": ms(firstMs),
        "events deleted": first.events,
        "audit rows deleted": first.audit,
        "events left": eventsAfter,
        "audit rows left": auditAfter,
      },
      {
        pass: "second (nothing due)",
        "time (ms)": ms(secondMs),
        "events deleted": second.events,
        "audit rows deleted": second.audit,
        "events left": eventsAfter,
        "audit rows left": auditAfter,
      },
    ]);
    for (const [label, ok] of checks) console.log(`${ok ? "ok  " : "FAIL"} ${label}`);
    if (badStores > 0) console.log(`${badStores} stores lost events they should keep`);
  } finally {
    await handle.close();
    await pg.close();
  }
  if (failed) process.exitCode = 1;
}

await main();
