// Benchmark: wake-up latency, from an API-style write (insert the store row
// and NOTIFY in one transaction) to the start of its reconcile, p50/p99 —
// with NOTIFY, and with the interval sweep alone. Real Postgres when
// TEST_DATABASE_URL is set (the target, p99 < 250 ms with NOTIFY, is about
// Postgres); PGlite otherwise.
//
//   SAMPLES=200 SWEEP_INTERVAL_MS=1000 npx tsx scripts/bench-wakeup.ts
import { type DatabaseHandle, notifyStoreChanged } from "@storeplane/db";
import { openTestDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { startController } from "../apps/controller/test/harness.ts";

const samples = Number(process.env.SAMPLES ?? 100);
const intervalSamples = Number(process.env.INTERVAL_SAMPLES ?? 30);
const sweepIntervalMs = Number(process.env.SWEEP_INTERVAL_MS ?? 1_000);

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? Number.NaN;
}

async function measure(handle: DatabaseHandle, listen: boolean, n: number) {
  await resetDatabase(handle);
  const owner = await handle.db
    .insertInto("users")
    .values({ email: `bench-${Date.now()}@example.test`, password_hash: "x", role: "member" })
    .returningAll()
    .executeTakeFirstOrThrow();
  const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
  const started = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const loop = startController(handle, sim, {
    listen,
    replicaId: listen ? "bench-notify" : "bench-interval",
    config: { sweepIntervalMs, driftIntervalMs: 3_600_000 },
    observer: {
      reconcileStarted(store, at) {
        if (started.has(store.id)) return;
        started.set(store.id, at);
        waiters.get(store.id)?.(at);
      },
    },
  });
  await loop.start();
  const latencies: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      // Each write waits for the previous reconcile to start, i.e. just after a
      // sweep: a random pause across the whole period keeps the interval-only
      // figure fair (uniform phase), instead of always landing early in it.
      const pause = listen ? 20 + Math.random() * 80 : Math.random() * sweepIntervalMs;
      await new Promise((r) => setTimeout(r, pause));
      const t0 = performance.timeOrigin + performance.now();
      const id = await handle.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto("stores")
          .values({
            name: `wake-${listen ? "n" : "i"}-${i}`,
            engine: "woocommerce",
            plan: "small",
            owner_id: owner.id,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await notifyStoreChanged(trx, row.id);
        return row.id;
      });
      const at = await new Promise<number>((resolve) => {
        const seen = started.get(id);
        if (seen !== undefined) resolve(seen);
        else waiters.set(id, resolve);
      });
      latencies.push(at - t0);
    }
  } finally {
    await loop.stop();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    samples: n,
    p50: Math.round(percentile(sorted, 50)),
    p99: Math.round(percentile(sorted, 99)),
    max: Math.round(sorted.at(-1) ?? 0),
  };
}

async function main() {
  const { handle, drop } = await openTestDatabase();
  console.log(`database: ${handle.description}; sweep interval ${sweepIntervalMs} ms`);
  try {
    const notify = await measure(handle, true, samples);
    const interval = await measure(handle, false, intervalSamples);
    console.table([
      { mode: "NOTIFY + sweep", ...notify },
      { mode: `sweep alone (${sweepIntervalMs} ms)`, ...interval },
    ]);
    console.log(
      `wake-up latency (ms): NOTIFY p50 ${notify.p50} / p99 ${notify.p99}; interval alone p50 ${interval.p50} / p99 ${interval.p99}`,
    );
    if (notify.p99 >= 250) process.exitCode = 1;
  } finally {
    await handle.close();
    await drop();
  }
}

await main();
