// Level: real processes (cli) + real Postgres + the simulated cluster (a test
// tool) kept in a state file. The controller's entry point runs as a child
// process and is really SIGKILLed at random moments — mid-helm included —
// then restarted with a new replica id, like a pod after a node kill. The
// simulated cluster's state outlives each process in its file (rewritten
// atomically after every mutation), as a real cluster's state outlives the
// controller: an install that was running when the kill landed stays
// `pending-install`, and the next process must recover it with unlockRelease.
//
// Two processes cannot share PGlite, so this runs on real Postgres only.
// SIGKILL_SEED replays the kill schedule (the process timing still varies).

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describeRealPostgres } from "@storeplane/db/testing";
import { LABELS } from "@storeplane/k8s";
import {
  type PersistedClusterState,
  persistedNamespaces,
  persistedReleases,
  readSimulatedClusterState,
  seededRandom,
} from "@storeplane/k8s/simulated";
import { build, type Plugin } from "esbuild";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStores, requestDeletion, storesById, waitFor } from "./harness.ts";

const CONTROLLER_DIR = resolve(import.meta.dirname, "..");
const REPO_ROOT = resolve(CONTROLLER_DIR, "../..");
const SEED = Number(process.env.SIGKILL_SEED ?? 20261123);
const STORES = 50;
const KILLS_WHILE_PROVISIONING = 6;
const KILLS_WHILE_DELETING = 3;
const CLAIM_TTL_SECONDS = 2;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The controller bundled as build.mjs bundles it for the image (workspace
 * packages inlined, npm packages external), into a private directory under
 * node_modules so the externals resolve. A bundle starts in about a second;
 * tsx needs several, and this test starts the process ten times.
 */
async function bundleController(outdir: string): Promise<string> {
  // The controller's own workspace dependencies, as build.mjs reads them: a
  // new one (as @storeplane/backup was) is bundled without touching this test.
  const pkg = JSON.parse(readFileSync(join(CONTROLLER_DIR, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const workspace = new Set(
    Object.keys(pkg.dependencies).filter((d) => d.startsWith("@storeplane/")),
  );
  const externalNpm: Plugin = {
    name: "external-npm",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const parts = args.path.split("/");
        const name = args.path.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
        if (name && workspace.has(name)) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
  const outfile = join(outdir, "main.js");
  await build({
    entryPoints: [join(CONTROLLER_DIR, "src", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    plugins: [externalNpm],
    logLevel: "silent",
  });
  return outfile;
}

interface Controller {
  child: ChildProcess;
  replicaId: string;
  exited: Promise<void>;
  logs(): string;
}

describeRealPostgres(
  "controller process SIGKILLed at random moments, on the simulated cluster (test tool) persisted in a file",
  ({ handle }) => {
    let dir: string;
    let bundleDir: string;
    let entry: string;
    let stateFile: string;
    let databaseUrl: string;
    let current: Controller | undefined;
    let generation = 0;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "ctrl-sigkill-"));
      stateFile = join(dir, "simulated-cluster.json");
      const cache = join(CONTROLLER_DIR, "node_modules", ".cache");
      mkdirSync(cache, { recursive: true });
      bundleDir = mkdtempSync(join(cache, "sigkill-"));
      entry = await bundleController(bundleDir);
      // The suite's fresh database, by name, on the same server.
      const { rows } = await sql<{
        name: string;
      }>`select current_database() as name`.execute(handle().db);
      const url = new URL(process.env.TEST_DATABASE_URL as string);
      url.pathname = `/${rows[0]?.name}`;
      databaseUrl = url.toString();
    });

    afterAll(async () => {
      if (current && current.child.exitCode === null && current.child.signalCode === null) {
        current.child.kill("SIGKILL");
        await current.exited;
      }
      rmSync(dir, { recursive: true, force: true });
      rmSync(bundleDir, { recursive: true, force: true });
    });

    /** Starts a controller process with a new replica id; resolves once its loop runs. */
    async function startController(): Promise<Controller> {
      generation += 1;
      const replicaId = `sigkill-${generation}`;
      let logs = "";
      const child = spawn(process.execPath, [entry], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          DATABASE_URL: databaseUrl,
          CLUSTER: "simulated",
          SIMULATED_CLUSTER_STATE_FILE: stateFile,
          STORE_CHARTS_DIR: join(REPO_ROOT, "charts"),
          METRICS_PORT: "0",
          REPLICA_ID: replicaId,
          // Two at a time stretches provisioning over several lives; with the
          // simulated helm install at 200 ms most kills land mid-install.
          CONCURRENCY: "2",
          SWEEP_INTERVAL_MS: "100",
          PROGRESS_INTERVAL_MS: "100",
          SNAPSHOT_MAX_AGE_MS: "100",
          CLAIM_TTL_SECONDS: String(CLAIM_TTL_SECONDS),
          BACKOFF_BASE_MS: "100",
          BACKOFF_CAP_MS: "1000",
          NAMESPACE_STUCK_SECONDS: "5",
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const append = (d: Buffer) => {
        logs = (logs + d.toString()).slice(-20_000);
      };
      child.stdout?.on("data", append);
      child.stderr?.on("data", append);
      const exited = new Promise<void>((r) => child.on("exit", () => r()));
      const controller = { child, replicaId, exited, logs: () => logs };
      current = controller;
      await waitFor(
        `controller ${replicaId} started`,
        async () => {
          if (child.exitCode !== null) throw new Error(`controller ${replicaId} exited:\n${logs}`);
          return logs.includes("controller loop started");
        },
        30_000,
        20,
      );
      return controller;
    }

    function clusterState(): PersistedClusterState {
      const state = readSimulatedClusterState(stateFile);
      if (!state) throw new Error(`no simulated cluster state in ${stateFile}`);
      return state;
    }

    it(`${STORES} provisions and deletions through repeated real SIGKILLs: all converge, no release installed twice, no namespace leaked`, async () => {
      const started = Date.now();
      console.info(`sigkill test: SIGKILL_SEED=${SEED}`);
      const random = seededRandom(SEED);
      const kills: { replica: string; phase: string; pending: string[] }[] = [];
      const stranded = new Set<string>();
      let lastKillAt = 0;

      const killAndRestart = async (phase: string) => {
        const victim = current as Controller;
        victim.child.kill("SIGKILL");
        await victim.exited;
        expect(victim.child.signalCode).toBe("SIGKILL");
        lastKillAt = Date.now();
        // Only the dead process wrote the file: what it left is what a restart finds.
        const pending = persistedReleases(clusterState())
          .filter((r) => r.status.startsWith("pending-"))
          .map((r) => `${r.namespace}/${r.name}`);
        for (const p of pending) stranded.add(p);
        kills.push({ replica: victim.replicaId, phase, pending });
        await startController();
      };

      /**
       * A random moment in the current process's life: 200–1500 ms after it
       * can act, i.e. after it started and the dead one's claims expired.
       */
      const waitRandomMoment = async () => {
        const canActAt = Math.max(Date.now(), lastKillAt + CLAIM_TTL_SECONDS * 1000);
        await sleep(canActAt - Date.now() + 200 + random() * 1300);
      };

      await startController();
      const stores = await createStores(handle(), STORES, { prefix: "sigkill" });
      const ids = stores.map((s) => s.id);
      const notAll = async (done: (r: Awaited<ReturnType<typeof storesById>>[number]) => boolean) =>
        !(await storesById(handle(), ids)).every(done);

      for (let i = 0; i < KILLS_WHILE_PROVISIONING; i++) {
        await waitRandomMoment();
        if (!(await notAll((r) => r.phase === "Ready"))) break;
        await killAndRestart("provisioning");
      }
      await waitFor(
        `all ${STORES} Ready after the kills`,
        async () => (await storesById(handle(), ids)).every((r) => r.phase === "Ready"),
        60_000,
        100,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n--- last controller logs ---\n${current?.logs()}`);
      });

      let state = clusterState();
      const namespaces = state.store.objects.filter((o) => o.kind === "Namespace");
      expect(namespaces).toHaveLength(STORES);
      expect(new Set(namespaces.map((n) => n.metadata.labels?.[LABELS.storeId]))).toEqual(
        new Set(ids),
      );
      const releases = persistedReleases(state);
      expect(releases).toHaveLength(STORES);
      expect(releases.every((r) => r.status === "deployed")).toBe(true);
      const completed = state.counters.completedInstalls;
      expect(Object.keys(completed)).toHaveLength(STORES);
      for (const [release, n] of Object.entries(completed)) expect(n, release).toBe(1);
      // Every release a kill left pending was recovered through unlockRelease.
      for (const release of stranded)
        expect(state.counters.releasesUnlocked[release], release).toBeGreaterThanOrEqual(1);
      const installsStarted = Object.values(state.counters.installsStarted).reduce(
        (a, b) => a + b,
        0,
      );
      const provisioningKills = kills.length;

      await requestDeletion(handle(), ids);
      for (let i = 0; i < KILLS_WHILE_DELETING; i++) {
        await waitRandomMoment();
        if (!(await notAll((r) => r.deleted_at !== null))) break;
        await killAndRestart("deleting");
      }
      await waitFor(
        `all ${STORES} deleted after the kills`,
        async () =>
          (await storesById(handle(), ids)).every(
            (r) => r.deleted_at !== null && r.phase === "Deleted",
          ),
        60_000,
        100,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n--- last controller logs ---\n${current?.logs()}`);
      });
      state = clusterState();
      expect(persistedNamespaces(state)).toEqual([]);
      expect(statSync(stateFile).mode & 0o777).toBe(0o600);

      const midInstall = kills.filter((k) => k.pending.length > 0).length;
      console.info(
        `sigkill test: seed ${SEED}; ${kills.length} SIGKILLs (${provisioningKills} while provisioning, ` +
          `${kills.length - provisioningKills} while deleting); ${midInstall} landed with a release pending ` +
          `(${stranded.size} releases stranded, all recovered by unlockRelease); ` +
          `${installsStarted} helm installs started for ${STORES} completed; ${Math.round((Date.now() - started) / 1000)} s`,
      );
      expect(provisioningKills).toBeGreaterThanOrEqual(5);
      expect(midInstall).toBeGreaterThanOrEqual(1);
    }, 150_000);
  },
);
