// Level: unit (files in a temp dir, manual clock). The simulated cluster's
// state file: what one instance leaves, the next one finds — like a real
// cluster outliving a killed controller.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "./clock.ts";
import {
  type PersistedClusterState,
  persistedNamespaces,
  readSimulatedClusterState,
  STATE_FILE_VERSION,
  writeSimulatedClusterState,
} from "./persistence.ts";
import { createSimulatedCluster } from "./simulated-cluster.ts";

// The real chart: the simulated helm reads its Chart.yaml, as helm does.
const WOOCOMMERCE_CHART = resolve(import.meta.dirname, "../../../../charts/woocommerce");
const LATENCIES = {
  apiCallMs: 0,
  helmInstallMs: 100,
  helmUninstallMs: 0,
  helmUnlockMs: 0,
  workloadsReadyMs: 1_000,
  jobCompleteMs: 500,
  namespaceTerminationMs: 300,
};

const spec = (namespace: string) => ({
  namespace,
  release: "store",
  chart: WOOCOMMERCE_CHART,
  valuesFiles: [],
  values: {},
  valuesDigest: "d1",
  timeoutSeconds: 30,
});

const guardrail = {
  apiVersion: "v1",
  kind: "ResourceQuota",
  metadata: {
    name: "store-quota",
    labels: { "app.kubernetes.io/managed-by": "storeplane", "storeplane.io/spec-digest": "g1" },
  },
  spec: { hard: { pods: "10" } },
};

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sim-state-"));
  file = join(dir, "cluster.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A new instance on the same file and clock: "the process restarted". */
function reopen(clock: ManualClock) {
  const sim = createSimulatedCluster({ clock, latencies: LATENCIES, stateFile: file });
  return { sim, c: sim.connect("next") };
}

describe("simulated cluster state file", () => {
  it("round trip: namespaces, labels, guardrails, secrets, releases, progress and counters survive a reload", async () => {
    const clock = new ManualClock();
    const first = reopen(clock);
    await first.c.ensureNamespace({
      name: "store-a",
      labels: { "storeplane.io/engine": "woocommerce", "storeplane.io/store-id": "id-a" },
    });
    await first.c.applyObjects("store-a", [guardrail]);
    await first.c.ensureSecret("store-a", "store-credentials", { x: "y" }, () => ({
      pw: "s3cret",
    }));
    const install = first.c.installRelease(spec("store-a"));
    await clock.advance(100);
    await install;
    await first.c.ensureNamespace({ name: "store-b", labels: {} });
    await first.c.deleteNamespace("store-b");
    first.sim.holdNamespaceTermination("store-b");
    first.sim.failImagePull("store-a", "nope:1");
    const before = await first.c.snapshot();

    const { sim, c } = reopen(clock);
    const after = await c.snapshot();
    expect(after.namespaces).toEqual(before.namespaces);
    expect(sim.peekSecret("store-a", "store-credentials")).toEqual({ pw: "s3cret" });
    expect(sim.stats().completedInstalls).toEqual(new Map([["store-a/store", 1]]));
    expect(sim.stats().installsStarted).toEqual(new Map([["store-a/store", 1]]));
    // The secret is created once, not regenerated, by the next process.
    expect(
      (await c.ensureSecret("store-a", "store-credentials", {}, () => ({ pw: "other" }))).created,
    ).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("time-based progress continues after a reload (absolute timestamps, not timers)", async () => {
    const clock = new ManualClock();
    const first = reopen(clock);
    await first.c.ensureNamespace({
      name: "store-a",
      labels: { "storeplane.io/engine": "medusa" },
    });
    const install = first.c.installRelease(spec("store-a"));
    await clock.advance(100);
    await install;
    await first.c.ensureNamespace({ name: "store-b", labels: {} });
    await first.c.deleteNamespace("store-b");

    // Time passes while no process is running.
    await clock.advance(1_000);
    const { sim, c } = reopen(clock);
    const ns = (await c.snapshot()).namespaces.get("store-a");
    expect(ns?.workloads.every((w) => w.readyReplicas === w.desiredReplicas)).toBe(true);
    expect(ns?.jobs[0]?.complete).toBe(true);
    expect(sim.namespaceNames()).toEqual(["store-a"]);
    // The namespace that went is gone from the file too.
    const saved = readSimulatedClusterState(file);
    expect(saved && persistedNamespaces(saved)).toEqual(["store-a"]);
  });

  it("an install cut off mid-way stays pending-install in the file, and unlockRelease recovers it", async () => {
    const clock = new ManualClock();
    const first = reopen(clock);
    await first.c.ensureNamespace({ name: "store-a", labels: {} });
    // The install starts; the process dies before helm finishes (never advanced).
    void first.c.installRelease(spec("store-a"));
    await Promise.resolve();
    // Helm's own record: the release Secret of revision 1, labelled pending-install.
    const release = readSimulatedClusterState(file)?.store.objects.find(
      (o) => o.metadata.name === "sh.helm.release.v1.store.v1",
    );
    expect(release?.metadata.labels).toMatchObject({
      owner: "helm",
      status: "pending-install",
      version: "1",
    });

    const { sim, c } = reopen(clock);
    const ns = (await c.snapshot()).namespaces.get("store-a");
    expect(ns?.releases[0]).toMatchObject({ status: "pending-install", revision: 1 });
    await expect(c.installRelease(spec("store-a"))).rejects.toMatchObject({
      kind: "ReleaseLocked",
    });
    await c.unlockRelease("store-a", "store");
    expect((await c.snapshot()).namespaces.get("store-a")?.releases).toEqual([]);
    const install = c.installRelease(spec("store-a"));
    await clock.advance(100);
    await install;
    expect(sim.stats().installsStarted.get("store-a/store")).toBe(2);
    expect(sim.stats().completedInstalls.get("store-a/store")).toBe(1);
    expect(sim.stats().releasesUnlocked.get("store-a/store")).toBe(1);
    expect(readSimulatedClusterState(file)?.counters).toMatchObject({
      completedInstalls: { "store-a/store": 1 },
      releasesUnlocked: { "store-a/store": 1 },
    });
  });

  it("writes atomically: a temp file in the same directory renamed over the old one, nothing left behind", () => {
    const state: PersistedClusterState = {
      version: STATE_FILE_VERSION,
      savedAt: 0,
      store: { resourceVersion: 0, objects: [] },
      faults: { unpullable: {}, crashLooping: [], heldTermination: [] },
      counters: {
        helmCommands: 0,
        installsStarted: {},
        completedInstalls: {},
        releasesUnlocked: {},
      },
    };
    writeFileSync(file, "the previous state");
    const oldInode = statSync(file).ino;
    writeSimulatedClusterState(file, { ...state, savedAt: 1 });
    // A new file took the name (rename), rather than the old one being rewritten in place.
    expect(statSync(file).ino).not.toBe(oldInode);
    expect(readSimulatedClusterState(file)?.savedAt).toBe(1);
    expect(readdirSync(dir)).toEqual(["cluster.json"]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A torn or foreign file is refused loudly, never half-loaded.
    writeFileSync(file, '{"version": 1, "namespa');
    expect(() => readSimulatedClusterState(file)).toThrow(/not valid JSON/);
    writeFileSync(file, JSON.stringify({ ...state, version: 99 }));
    expect(() => createSimulatedCluster({ stateFile: file })).toThrow(/version 99/);
    expect(readSimulatedClusterState(join(dir, "missing.json"))).toBeNull();
    expect(JSON.parse(readFileSync(file, "utf8")).version).toBe(99);
  });
});
