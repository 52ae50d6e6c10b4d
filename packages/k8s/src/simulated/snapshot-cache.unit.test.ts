// Level: unit. The simulated cluster's incremental snapshot must equal the
// snapshot the real code builds from a full cluster-wide list of every kind,
// whatever happened in between (installs, drift, faults, deletions, time).
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildSnapshot, readSnapshotLists } from "../observe/build-snapshot.ts";
import { ManualClock } from "./clock.ts";
import { storeListSource } from "./list-source.ts";
import type { ObjectStore } from "./object-store.ts";
import { createSimulatedCluster, type SimulatedCluster } from "./simulated-cluster.ts";

const WOOCOMMERCE_CHART = resolve(import.meta.dirname, "../../../../charts/woocommerce");
const spec = (namespace: string) => ({
  namespace,
  release: "store",
  chart: WOOCOMMERCE_CHART,
  valuesFiles: [],
  values: {},
  valuesDigest: "d1",
  timeoutSeconds: 30,
});
const MANAGED = { "app.kubernetes.io/managed-by": "storeplane" };

/** The reference: every object listed cluster-wide, as before the cache (no scope). */
async function fullRebuild(sim: SimulatedCluster) {
  const lister = { list: (kind: string, o: object) => sim.list(kind, o) } as unknown as ObjectStore;
  const snap = buildSnapshot(await readSnapshotLists(storeListSource(lister, () => {})));
  return snap.namespaces;
}

const op = fc.oneof(
  fc.record({ kind: fc.constant("create" as const), ns: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("install" as const), ns: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: 1_500 }) }),
  fc.record({ kind: fc.constant("imagePull" as const), ns: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("crashLoop" as const), ns: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("heal" as const), ns: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("dropDeployment" as const), ns: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("delete" as const), ns: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant("snapshot" as const) }),
);

describe("simulated snapshot cache", () => {
  it("equals a full cluster-wide rebuild after any sequence of changes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const clock = new ManualClock();
        const sim = createSimulatedCluster({
          clock,
          latencies: {
            apiCallMs: 0,
            helmInstallMs: 10,
            helmUninstallMs: 0,
            helmUnlockMs: 0,
            workloadsReadyMs: 1_000,
            jobCompleteMs: 500,
            namespaceTerminationMs: 300,
          },
        });
        const c = sim.connect("r1");
        const name = (i: number) => `store-${i}`;
        for (const o of ops) {
          const ns = "ns" in o ? name(o.ns) : "";
          // Calls the real cluster would refuse (a namespace that is gone) may fail here too.
          const tolerate = (p: Promise<unknown>) => p.catch(() => undefined);
          if (o.kind === "create") await tolerate(c.ensureNamespace({ name: ns, labels: MANAGED }));
          else if (o.kind === "install") {
            const done = tolerate(c.installRelease(spec(ns)));
            await clock.advance(10);
            await done;
          } else if (o.kind === "advance") await clock.advance(o.ms);
          else if (o.kind === "imagePull") sim.failImagePull(ns, "wordpress:nope");
          else if (o.kind === "crashLoop") sim.failContainerStart(ns);
          else if (o.kind === "heal") {
            sim.clearImagePullFailure(ns);
            sim.clearContainerStartFailure(ns);
          } else if (o.kind === "dropDeployment")
            for (const d of sim.list("Deployment", { namespace: ns }))
              sim.deleteObjectBehindTheBack(ns, "Deployment", d.metadata.name);
          else if (o.kind === "delete") await tolerate(c.deleteNamespace(ns));
          else await c.snapshot();
        }
        const cached = (await c.snapshot()).namespaces;
        const reference = await fullRebuild(sim);
        expect([...cached.keys()].sort()).toEqual([...reference.keys()].sort());
        for (const [key, state] of reference) expect(cached.get(key)).toEqual(state);
      }),
      { numRuns: 60, seed: 14 },
    );
  }, 60_000);

  it("rebuilds only the namespaces written since the last snapshot", async () => {
    const clock = new ManualClock();
    const sim = createSimulatedCluster({ clock, latencies: { apiCallMs: 0 } });
    const c = sim.connect("r1");
    for (let i = 0; i < 3; i++) await c.ensureNamespace({ name: `store-${i}`, labels: MANAGED });
    const first = await c.snapshot();
    await c.ensureNamespace({ name: "store-1", labels: { ...MANAGED, extra: "yes" } });
    const second = await c.snapshot();
    // Untouched namespaces are the very same state objects; the written one is new.
    expect(second.namespaces.get("store-0")).toBe(first.namespaces.get("store-0"));
    expect(second.namespaces.get("store-2")).toBe(first.namespaces.get("store-2"));
    expect(second.namespaces.get("store-1")).not.toBe(first.namespaces.get("store-1"));
    expect(second.namespaces.get("store-1")?.labels.extra).toBe("yes");
    // Nothing written since: the very same Map, at no cost per store.
    const third = await c.snapshot();
    expect(third.namespaces).toBe(second.namespaces);
    // And the statistics still count the 12 list calls a real snapshot makes.
    sim.resetStats();
    await c.snapshot();
    expect(sim.stats().reads).toBe(12);
  });
});
