// Benchmark: the cost of a full drift sweep over Ready stores. For 50 and 500
// Ready stores on the simulated cluster, every store is made due at once and
// the controller sweeps them; we count helm commands (goal: 0) and cluster
// reads (goal: the same number at 50 and at 500: label-selected lists, never
// per-store gets). Real Postgres when TEST_DATABASE_URL is set, else PGlite.
//
//   npx tsx scripts/bench-steady-state.ts            # 50 and 500
//   STORES=50,500,1000 npx tsx scripts/bench-steady-state.ts

import { openTestDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { sql } from "kysely";
import { createStores, startController, waitFor } from "../apps/controller/test/harness.ts";

const counts = (process.env.STORES ?? "50,500").split(",").map(Number);

async function main() {
  const { handle, drop } = await openTestDatabase();
  console.log(`database: ${handle.description}`);
  const rows: Record<string, string | number>[] = [];
  try {
    for (const n of counts) {
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
      await waitFor(
        `${n} Ready`,
        async () => {
          const r = await handle.db
            .selectFrom("stores")
            .select((eb) => eb.fn.countAll<string>().as("c"))
            .where("phase", "=", "Ready")
            .executeTakeFirst();
          return Number(r?.c) === n;
        },
        600_000,
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
      rows.push({
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
      });
      await loop.stop();
    }
  } finally {
    await handle.close();
    await drop();
  }
  console.table(rows);
  const reads = rows.map((r) => r["cluster reads per sweep"]);
  const helm = rows.map((r) => r["helm commands in sweep"]);
  console.log(
    `cluster reads per sweep: ${reads.join(" / ")} (stores: ${counts.join(" / ")}); helm commands: ${helm.join(" / ")}`,
  );
  if (helm.some((h) => h !== 0) || new Set(reads).size !== 1) process.exitCode = 1;
}

await main();
