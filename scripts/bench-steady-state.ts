// Benchmark: provisioning a fleet, then the cost of a full drift sweep over
// its Ready stores, on the simulated cluster (test and demo tool) with the
// real controller loop in the same process. Every store is made due at once
// and the controller sweeps them; we count helm commands (goal: 0) and
// cluster reads (goal: 12 label-selected lists per snapshot, never per-store
// gets), and report provisioning time (goal: 10,000 stores in at most ~10×
// the time of 1,000) and the process's peak RSS (goal: < 1 GB at 10,000).
// Each store count runs in its own child process, so each peak RSS is its own.
// Real Postgres: TEST_DATABASE_URL when set, else a throwaway server
// (scripts/throwaway-postgres.sh); a fresh database per store count.
//
//   npx tsx scripts/bench-steady-state.ts                 # 50 and 500
//   STORES=1000,5000,10000 npm run bench:sweep            # the issue-14 figures

import { execFileSync } from "node:child_process";
import { openTestDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { sql } from "kysely";
import { createStores, startController, waitFor } from "../apps/controller/test/harness.ts";
import { benchPostgresServer } from "./bench/postgres.ts";
import { machineLoad } from "./bench/stats.ts";

const counts = (process.env.STORES ?? "50,500").split(",").map(Number);
const CHILD = "BENCH_STEADY_CHILD";

type Row = Record<string, string | number>;

/** One store count, in this process: prints its row as JSON on the last line. */
async function measureOne(n: number): Promise<Row> {
  const { handle, drop } = await openTestDatabase();
  console.error(`database: ${handle.description}`);
  try {
    {
      await resetDatabase(handle);
      const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
      // Production defaults except the simulated timings.
      const config = {
        concurrency: 4,
        snapshotMaxAgeMs: 5_000,
        driftIntervalMs: 3_600_000,
        sweepIntervalMs: 200,
      };
      let reconciles = 0;
      const loop = startController(handle, sim, {
        config,
        observer: { reconcileFinished: () => void reconciles++ },
      });
      await loop.start();
      const stores = await createStores(handle, n, { prefix: `steady${n}` });
      const ids = stores.map((s) => s.id);
      const t0 = Date.now();
      let lastProgress = t0;
      await waitFor(
        `${n} Ready`,
        async () => {
          const r = await handle.db
            .selectFrom("stores")
            .select((eb) => eb.fn.countAll<string>().as("c"))
            .where("phase", "=", "Ready")
            .executeTakeFirst();
          // Progress on stderr every 10 s: a rate that falls as the fleet grows shows a per-store cost.
          if (Date.now() - lastProgress >= 10_000) {
            lastProgress = Date.now();
            const mem = process.memoryUsage();
            console.error(
              `  ${((lastProgress - t0) / 1000).toFixed(0)} s: ${r?.c} Ready, RSS ${Math.round(mem.rss / 2 ** 20)} MB, heap ${Math.round(mem.heapUsed / 2 ** 20)} MB`,
            );
          }
          return Number(r?.c) === n;
        },
        1_800_000,
        100,
      );
      const provisionMs = Date.now() - t0;
      // Quiet: nothing due for an hour. Then a full sweep: everything due now.
      await new Promise((r) => setTimeout(r, 300));
      sim.resetStats();
      reconciles = 0;
      let batches = 0;
      const sweepStart = Date.now();
      await sql`update stores set next_reconcile_at = now() where id in (${sql.join(ids)})`.execute(
        handle.db,
      );
      loop.wake();
      await waitFor(`${n} swept`, async () => reconciles >= n, 600_000, 20);
      const sweepMs = Date.now() - sweepStart;
      const s = sim.stats();
      const phases = await handle.db
        .selectFrom("stores")
        .select("phase")
        .where("id", "in", ids)
        .execute();
      batches = s.snapshots;
      await loop.stop();
      const usage = process.resourceUsage();
      // What stays alive (simulated cluster + controller) once garbage is gone; needs --expose-gc.
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const retainedMb = gc ? Math.round(process.memoryUsage().heapUsed / 2 ** 20) : "n/a";
      return {
        stores: n,
        "provision→Ready (ms)": provisionMs,
        "sweep (ms)": sweepMs,
        "reconciles in sweep": reconciles,
        "snapshots per sweep": batches,
        "cluster reads per sweep": s.reads,
        "helm commands in sweep": s.helmCommands,
        "cluster writes in sweep":
          s.calls.ensureNamespace +
          s.calls.applyObjects +
          s.calls.ensureSecret +
          s.calls.deleteNamespace,
        "still Ready": phases.filter((p) => p.phase === "Ready").length,
        // maxRSS is in kilobytes (getrusage).
        "peak RSS (MB)": Math.round(usage.maxRSS / 1024),
        "retained heap after GC (MB)": retainedMb,
      };
    }
  } finally {
    await handle.close();
    await drop();
  }
}

/** Each count in a fresh child process (same Node flags), so peaks do not add up. */
function runChild(n: number, databaseUrl: string): Row {
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, "--expose-gc", import.meta.filename],
    {
      env: { ...process.env, TEST_DATABASE_URL: databaseUrl, [CHILD]: String(n) },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Row;
}

async function main() {
  if (process.env[CHILD]) {
    console.log(JSON.stringify(await measureOne(Number(process.env[CHILD]))));
    return;
  }
  const server = await benchPostgresServer();
  const rows: Row[] = [];
  try {
    for (const n of counts) {
      console.error(`${n} stores…`);
      rows.push(runChild(n, server.url));
    }
  } finally {
    await server.close();
  }
  console.log(
    `Provisioning and a full drift sweep, controller loop + simulated cluster (test and demo tool) in one process per row, ${server.description}; ${machineLoad()} at the end:`,
  );
  console.table(rows);
  const first = rows[0];
  for (const r of rows.slice(1)) {
    if (!first) break;
    const storeRatio = Number(r.stores) / Number(first.stores);
    const timeRatio = Number(r["provision→Ready (ms)"]) / Number(first["provision→Ready (ms)"]);
    console.log(
      `provisioning ${r.stores} vs ${first.stores} stores: ×${timeRatio.toFixed(1)} the time for ×${storeRatio} the stores (goal: at most about ×${storeRatio})`,
    );
  }
  const readsPerSnapshot = rows.map(
    (r) => Number(r["cluster reads per sweep"]) / Math.max(1, Number(r["snapshots per sweep"])),
  );
  const helm = rows.map((r) => r["helm commands in sweep"]);
  console.log(
    `cluster reads per snapshot: ${readsPerSnapshot.join(" / ")} (stores: ${counts.join(" / ")}; goal 12, label-selected lists only); helm commands in sweep: ${helm.join(" / ")} (goal 0); peak RSS MB: ${rows.map((r) => r["peak RSS (MB)"]).join(" / ")} (goal < 1024)`,
  );
  const notReady = rows.filter((r) => r["still Ready"] !== r.stores);
  if (helm.some((h) => h !== 0) || readsPerSnapshot.some((x) => x !== 12) || notReady.length > 0)
    process.exitCode = 1;
}

await main();
