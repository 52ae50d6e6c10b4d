// Benchmark: the controller's own memory and API cost at fleet scale, with
// the controller in a process of its own and the cluster in another.
//
// - Controller: its real main, bundled as for the image (apps/controller
//   build.mjs) and run with node, CLUSTER=kube and a kubeconfig pointing at
//   the cluster process; preloaded with gc-probe.mjs (--expose-gc) so the
//   retained heap can be read after a forced GC, with no hook in the code.
// - Cluster: the fake API server (TEST TOOL) serving what N Ready stores hold
//   (bench-controller-memory/cluster-process.ts), with list/watch counters.
// - Database: real Postgres (TEST_DATABASE_URL, or a throwaway server from
//   scripts/throwaway-postgres.sh), N stores in desired state.
//
// Per N it reports: controller peak RSS (VmHWM from /proc), retained heap
// after GC, time until all N are Ready (initial list + first pass over every
// store), a steady sweep (every store made due at once): its duration and
// the API requests it made, and deleted Deployment → that store's reconcile
// start (from the controller's "reconcile started" log line), p50/p99.
//
//   npm run bench:controller-memory -w @storeplane/controller          # 1000
//   STORES=1000,5000,10000 DELETE_SAMPLES=50 npm run bench:controller-memory -w @storeplane/controller
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { migrateToLatest, openDatabase } from "@storeplane/db";
import { createFreshDatabase } from "@storeplane/db/testing";
import { sql } from "kysely";
import { createStores } from "../apps/controller/test/harness.ts";
import type { ClusterCommand, RequestCounts } from "./bench-controller-memory/cluster-process.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CONTROLLER_DIR = join(ROOT, "apps/controller");
const counts = (process.env.STORES ?? "1000").split(",").map(Number);
const SAMPLES = Number(process.env.DELETE_SAMPLES ?? 50);
const GOALS = { rssMb: (n: number) => (n <= 1_000 ? 150 : n >= 10_000 ? 400 : null), p99Ms: 1_000 };

function log(message: string): void {
  process.stderr.write(`[bench] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** TEST_DATABASE_URL, or a throwaway Postgres started (and stopped) here. */
function postgres(): { adminUrl: string; stop(): void } {
  if (process.env.TEST_DATABASE_URL) return { adminUrl: process.env.TEST_DATABASE_URL, stop() {} };
  const out = execFileSync("bash", [join(ROOT, "scripts/throwaway-postgres.sh"), "start"], {
    encoding: "utf8",
  });
  const vars = Object.fromEntries(
    [...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]),
  );
  if (!vars.TEST_DATABASE_URL || !vars.PGTMP) throw new Error(`throwaway-postgres said: ${out}`);
  return {
    adminUrl: vars.TEST_DATABASE_URL,
    stop: () =>
      void execFileSync("bash", [
        join(ROOT, "scripts/throwaway-postgres.sh"),
        "stop",
        vars.PGTMP as string,
      ]),
  };
}

function memoryOf(pid: number): { hwmMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { hwmMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024 };
}

function ask<T>(child: ChildProcess, message: ClusterCommand): Promise<T> {
  return new Promise((resolveAnswer) => {
    const onMessage = (m: { cmd: string }) => {
      if (m.cmd !== message.cmd) return;
      child.off("message", onMessage);
      resolveAnswer(m as T);
    };
    child.on("message", onMessage);
    child.send(message);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Follows the controller's JSON log: when each store's reconciles start. */
class ControllerLog {
  readonly started: { storeId: string; time: number }[] = [];
  private waiters: { storeId: string; after: number; resolve(t: number): void }[] = [];
  lastLine = Date.now();
  errors: string[] = [];
  readonly tail: string[] = [];

  constructor(child: ChildProcess) {
    if (!child.stdout) throw new Error("controller stdout not piped");
    createInterface(child.stdout).on("line", (line) => {
      let entry: { msg?: string; storeId?: string; time?: number; level?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      this.lastLine = Date.now();
      this.tail.push(line.slice(0, 400));
      if (this.tail.length > 10) this.tail.shift();
      const time = entry.time ?? Date.now();
      if ((entry.level ?? 0) >= 50) this.errors.push(line.slice(0, 300));
      if (!entry.storeId) return;
      if (entry.msg === "reconcile started") {
        this.started.push({ storeId: entry.storeId, time });
        for (const w of this.waiters.filter((x) => x.storeId === entry.storeId && time >= x.after))
          w.resolve(time);
        this.waiters = this.waiters.filter(
          (x) => !(x.storeId === entry.storeId && time >= x.after),
        );
      }
    });
  }

  /** When `storeId`'s next reconcile (at or after `after`) starts. */
  nextStart(storeId: string, after: number): Promise<number> {
    const seen = this.started.find((s) => s.storeId === storeId && s.time >= after);
    if (seen) return Promise.resolve(seen.time);
    return new Promise((resolveStart) =>
      this.waiters.push({ storeId, after, resolve: resolveStart }),
    );
  }
}

/** Set when a child process dies: every wait gives up at once instead of timing out. */
let dead: string | null = null;

async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    await new Promise((r) => setTimeout(r, 50));
    if (dead) throw new Error(`${dead} while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once("exit", () => r()));
}

async function runOnce(adminUrl: string, n: number, bundle: string) {
  dead = null; // the previous run's processes have exited by now
  const fresh = await createFreshDatabase(adminUrl);
  const handle = await openDatabase({ url: fresh.url, poolSize: 4 });
  const dir = mkdtempSync(join(tmpdir(), "bench-controller-"));
  let cluster: ChildProcess | null = null;
  let controller: ChildProcess | null = null;
  try {
    await migrateToLatest(handle.db);
    const stores = await createStores(handle, n, { prefix: `m${n}` });
    const env = {
      ...process.env,
      DATABASE_URL: fresh.url,
      CLUSTER: "kube",
      KUBECONFIG: join(dir, "kubeconfig"),
      BENCH_DATABASE_URL: fresh.url,
      BENCH_KUBECONFIG: join(dir, "kubeconfig"),
      METRICS_PORT: "0",
      LOG_LEVEL: "debug",
      // Only the benchmark (and the watch) decide when stores are looked at.
      SWEEP_INTERVAL_MS: "3600000",
      DRIFT_INTERVAL_SECONDS: "3600",
      RETENTION_INTERVAL_SECONDS: "0",
      STORE_CHARTS_DIR: join(ROOT, "charts"),
      // Never run in a steady sweep; the bundle cannot find <repo>/.tools by itself.
      HELM_BIN: process.env.HELM_BIN ?? join(ROOT, ".tools/bin/helm"),
    };
    cluster = fork(join(ROOT, "scripts/bench-controller-memory/cluster-process.ts"), {
      execArgv: ["--import", "tsx"],
      env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const ready = await new Promise<{ objects: number }>((resolveReady, reject) => {
      cluster?.once("message", (m: { cmd: string; objects: number }) =>
        m.cmd === "ready" ? resolveReady(m) : reject(new Error(`cluster said ${m.cmd}`)),
      );
      cluster?.once("exit", (code) => {
        dead = `cluster process exited with ${code}`;
        reject(new Error(dead));
      });
    });
    log(`${n} stores: cluster process serves ${ready.objects} objects`);

    const t0 = Date.now();
    controller = spawn(
      process.execPath,
      [
        "--expose-gc",
        "--import",
        join(ROOT, "scripts/bench-controller-memory/gc-probe.mjs"),
        bundle,
      ],
      { cwd: CONTROLLER_DIR, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const pid = controller.pid as number;
    controller.once("exit", (code) => {
      dead = `controller exited with ${code}`;
    });
    const clog = new ControllerLog(controller);
    if (process.env.BENCH_CONTROLLER_LOG) {
      const { createWriteStream } = await import("node:fs");
      controller.stdout?.pipe(createWriteStream(process.env.BENCH_CONTROLLER_LOG));
    }
    let probe: ((heap: { heapUsed: number }) => void) | null = null;
    createInterface(controller.stderr as NodeJS.ReadableStream).on("line", (line) => {
      if (line.includes('"benchProbe"')) probe?.(JSON.parse(line));
      else process.stderr.write(`[controller] ${line}\n`);
    });

    const readyCount = async () =>
      Number(
        (
          await handle.db
            .selectFrom("stores")
            .select((eb) => eb.fn.countAll<string>().as("c"))
            .where("phase", "=", "Ready")
            .executeTakeFirst()
        )?.c,
      );
    await until(`${n} Ready`, async () => (await readyCount()) === n, 1_800_000);
    const toReadyMs = Date.now() - t0;
    const afterSync = memoryOf(pid);
    const hwmAfterSyncMb = afterSync.hwmMb;
    log(
      `${n} Ready after ${toReadyMs} ms (initial list + first pass); RSS ${afterSync.rssMb.toFixed(0)} MB`,
    );
    // Quiet: nothing logged for a second.
    await until("quiet", () => Date.now() - clog.lastLine > 1_000, 20_000).catch((e) => {
      throw new Error(`${e.message}; last controller lines:\n${clog.tail.join("\n")}`);
    });

    // Steady sweep: every store due at once, woken by a NOTIFY as the API would.
    log("quiet; steady sweep");
    await ask(cluster, { cmd: "mark" });
    log("requests counted from here");
    const sweepStart = Date.now();
    await sql`update stores set next_reconcile_at = now()`.execute(handle.db);
    await sql`select pg_notify('store_changes', 'bench')`.execute(handle.db);
    // Swept: every store's pass has ended (claim released, next look an hour away).
    const swept = async () =>
      Number(
        (
          await sql<{ c: string }>`select count(*) as c from stores
            where claimed_by is null and next_reconcile_at > now() + interval '10 minutes'`.execute(
            handle.db,
          )
        ).rows[0]?.c,
      ) >= n;
    await until(`${n} swept`, swept, 1_800_000);
    const sweepMs = Date.now() - sweepStart;
    const sweepStarts = clog.started.filter((x) => x.time >= sweepStart).length;
    await until("quiet", () => Date.now() - clog.lastLine > 1_000, 120_000);
    const sweep = (await ask<{ counts: RequestCounts }>(cluster, { cmd: "count" })).counts;
    const hwmAfterSweepMb = memoryOf(pid).hwmMb;
    log(`sweep ${sweepMs} ms: ${JSON.stringify(sweep)}`);

    // Deleted Deployment → that store's reconcile starts.
    const latencies: number[] = [];
    let timeouts = 0;
    const step = Math.max(1, Math.floor(n / Math.max(1, SAMPLES)));
    for (let i = 0; i < Math.min(SAMPLES, n); i++) {
      const store = stores[i * step];
      if (!store) break;
      const { at } = await ask<{ at: number }>(cluster, {
        cmd: "delete-deployment",
        namespace: `store-${store.name}`,
        name: "store-wordpress",
      });
      const started = await Promise.race([
        clog.nextStart(store.id, at),
        new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
      ]);
      if (started === null) timeouts += 1;
      else latencies.push(started - at);
      await new Promise((r) => setTimeout(r, 50));
    }
    latencies.sort((a, b) => a - b);
    await until("quiet", () => Date.now() - clog.lastLine > 1_000, 120_000);

    // Retained heap after a forced GC, and the peak RSS of the whole run.
    const heap = await new Promise<{ heapUsed: number }>((resolveHeap) => {
      probe = resolveHeap;
      controller?.kill("SIGUSR2");
    });
    const mem = memoryOf(pid);
    const total = (await ask<{ counts: RequestCounts }>(cluster, { cmd: "count" })).counts;
    controller.kill("SIGTERM");
    await exited(controller);
    const rssGoal = GOALS.rssMb(n);
    return {
      stores: n,
      "objects served": ready.objects,
      "→ all Ready (ms)": toReadyMs,
      "peak RSS (MB)": Number(mem.hwmMb.toFixed(1)),
      "peak RSS by Ready (MB)": Number(hwmAfterSyncMb.toFixed(1)),
      "peak RSS by sweep end (MB)": Number(hwmAfterSweepMb.toFixed(1)),
      "RSS goal (MB)": rssGoal ?? "-",
      "retained heap after GC (MB)": Number((heap.heapUsed / 1024 / 1024).toFixed(1)),
      "steady sweep (ms)": sweepMs,
      "reconciles in sweep": sweepStarts,
      "lists in sweep": sweep.lists,
      "other API requests in sweep": sweep.other,
      "new watches in sweep": sweep.watches,
      "open watches": total.openWatches,
      "delete→reconcile p50 (ms)": percentile(latencies, 50),
      "delete→reconcile p99 (ms)": percentile(latencies, 99),
      "samples (timeouts)": `${latencies.length} (${timeouts})`,
      "controller errors logged": clog.errors.length,
    };
  } catch (error) {
    log(`run at ${n} stores failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  } finally {
    if (controller && controller.exitCode === null) {
      controller.kill("SIGKILL");
      await exited(controller);
    }
    if (cluster && cluster.exitCode === null) {
      cluster.disconnect();
      await exited(cluster);
    }
    await handle.close();
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  log("bundling the controller as for its image (apps/controller/build.mjs)");
  execFileSync(process.execPath, ["build.mjs"], { cwd: CONTROLLER_DIR, stdio: "inherit" });
  const bundle = join(CONTROLLER_DIR, "dist/main.js");
  const pg = postgres();
  const rows: Awaited<ReturnType<typeof runOnce>>[] = [];
  try {
    for (const n of counts) rows.push(await runOnce(pg.adminUrl, n, bundle));
  } finally {
    pg.stop();
  }
  console.table(rows);
  let missed = false;
  for (const r of rows) {
    const goal = GOALS.rssMb(r.stores);
    const verdicts = [
      goal === null
        ? null
        : `peak RSS ${r["peak RSS (MB)"]} MB (goal < ${goal}) ${r["peak RSS (MB)"] < goal ? "met" : "MISSED"}`,
      `lists per steady sweep ${r["lists in sweep"]} (goal 0) ${r["lists in sweep"] === 0 ? "met" : "MISSED"}`,
      `delete→reconcile p99 ${r["delete→reconcile p99 (ms)"]} ms (goal < ${GOALS.p99Ms}) ${r["delete→reconcile p99 (ms)"] < GOALS.p99Ms ? "met" : "MISSED"}`,
    ].filter(Boolean);
    console.log(`${r.stores} stores: ${verdicts.join("; ")}`);
    if (verdicts.some((v) => v?.endsWith("MISSED"))) missed = true;
  }
  if (missed) process.exitCode = 1;
}

await main();
