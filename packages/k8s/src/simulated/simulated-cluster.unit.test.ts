// Level: unit. The simulated cluster itself: it must behave like the real
// one where the controller can tell, and never pass for it.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.ts";
import {
  createSimulatedCluster,
  SIMULATED_CLUSTER_MESSAGE,
  SNAPSHOT_LIST_CALLS,
} from "./simulated-cluster.ts";

// The real chart: the simulated helm reads its Chart.yaml, as helm does.
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

function setup() {
  const clock = new ManualClock();
  const sim = createSimulatedCluster({
    clock,
    latencies: {
      apiCallMs: 0,
      helmInstallMs: 100,
      helmUninstallMs: 0,
      helmUnlockMs: 0,
      workloadsReadyMs: 1_000,
      jobCompleteMs: 500,
      namespaceTerminationMs: 300,
    },
  });
  return { clock, sim, c: sim.connect("r1") };
}

describe("simulated cluster", () => {
  it("says plainly that it is a simulation", async () => {
    const { c } = setup();
    expect(c.mode).toBe("simulated");
    expect(await c.info()).toMatchObject({ mode: "simulated", message: SIMULATED_CLUSTER_MESSAGE });
  });

  it("an installed release brings workloads that become ready after the simulated delays", async () => {
    const { clock, sim, c } = setup();
    await c.ensureNamespace({ name: "store-a", labels: { "storeplane.io/engine": "woocommerce" } });
    const install = c.installRelease(spec("store-a"));
    await clock.advance(100);
    await install;
    let ns = (await c.snapshot()).namespaces.get("store-a")!;
    expect(ns.releases[0]).toMatchObject({ status: "deployed", valuesDigest: "d1", revision: 1 });
    expect(ns.workloads.every((w) => w.readyReplicas === 0)).toBe(true);
    expect(ns.jobs[0]?.complete).toBe(false);
    await clock.advance(1_000);
    ns = (await c.snapshot()).namespaces.get("store-a")!;
    expect(ns.workloads.every((w) => w.readyReplicas === w.desiredReplicas)).toBe(true);
    expect(ns.jobs[0]?.complete).toBe(true);
    expect(sim.stats().completedInstalls.get("store-a/store")).toBe(1);
  });

  it("scaleWorkload stops an app Deployment's pods and brings them back, the database running throughout", async () => {
    const { clock, sim, c } = setup();
    await c.ensureNamespace({ name: "store-s", labels: { "storeplane.io/engine": "woocommerce" } });
    const install = c.installRelease(spec("store-s"));
    await clock.advance(100);
    await install;
    await clock.advance(1_000);
    const app = "store-wordpress";
    const owned = () =>
      sim.list("Pod", { namespace: "store-s" }).filter((p) => p.metadata.name.startsWith(app));
    expect(owned()).toHaveLength(1);
    expect(await c.scaleWorkload("store-s", "Deployment", app, 0)).toEqual({ previousReplicas: 1 });
    let ns = (await c.snapshot()).namespaces.get("store-s")!;
    expect(ns.workloads.find((w) => w.name === app)).toMatchObject({
      desiredReplicas: 0,
      readyReplicas: 0,
    });
    expect(owned()).toHaveLength(0);
    expect(ns.workloads.find((w) => w.kind === "StatefulSet")).toMatchObject({ readyReplicas: 1 });
    expect(await c.scaleWorkload("store-s", "Deployment", app, 1)).toEqual({ previousReplicas: 0 });
    await clock.advance(1_000);
    ns = (await c.snapshot()).namespaces.get("store-s")!;
    expect(ns.workloads.find((w) => w.name === app)).toMatchObject({
      desiredReplicas: 1,
      readyReplicas: 1,
    });
    await expect(c.scaleWorkload("store-s", "Deployment", "nope", 0)).rejects.toMatchObject({
      reason: "NotFound",
    });
  });

  it("a backup Job applied by the controller runs to Complete after the Job delay; deleting it removes its pod (a test tool: nothing is dumped)", async () => {
    const { clock, sim, c } = setup();
    await c.ensureNamespace({ name: "store-a", labels: {} });
    await c.applyObjects("store-a", [
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "storeplane-backup-target" },
        type: "Opaque",
        stringData: { "access-key-id": "AKID" },
      },
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "backup-b1-1" },
        spec: { template: { spec: { containers: [{ name: "backup", image: "backup:1" }] } } },
      },
    ]);
    expect(await c.readSecret("store-a", "storeplane-backup-target")).toEqual({
      "access-key-id": "AKID",
    });
    expect(await c.readJob("store-a", "backup-b1-1")).toMatchObject({ active: 1, complete: false });
    expect(sim.list("Pod", { namespace: "store-a" })).toHaveLength(1);
    await clock.advance(500);
    expect(await c.readJob("store-a", "backup-b1-1")).toMatchObject({
      succeeded: 1,
      complete: true,
    });
    expect(await c.deleteJob("store-a", "backup-b1-1")).toEqual({ deleted: true });
    expect(await c.readJob("store-a", "backup-b1-1")).toBeNull();
    expect(sim.list("Pod", { namespace: "store-a" })).toHaveLength(0);
    expect(await c.deleteJob("store-a", "backup-b1-1")).toEqual({ deleted: false });
  });

  it("counts a fixed number of reads per snapshot, whatever the number of namespaces", async () => {
    const { sim, c } = setup();
    await c.snapshot();
    const one = sim.stats().reads;
    for (let i = 0; i < 50; i++) await c.ensureNamespace({ name: `store-${i}`, labels: {} });
    sim.resetStats();
    await c.snapshot();
    expect(sim.stats().reads).toBe(one);
    expect(one).toBe(SNAPSHOT_LIST_CALLS.length);
  });

  it("injects transient failures at the chosen rate, before any effect", async () => {
    const { sim, c } = setup();
    sim.setTransientFaults({ rate: 0.5, methods: ["ensureNamespace"] });
    let failed = 0;
    for (let i = 0; i < 200; i++) {
      await c
        .ensureNamespace({ name: `ns-${i}`, labels: {} })
        .catch((e: { code?: string; transient?: boolean }) => {
          expect(e).toMatchObject({ code: "Unavailable", transient: true });
          failed += 1;
        });
    }
    expect(failed).toBeGreaterThan(70);
    expect(failed).toBeLessThan(130);
    expect(sim.namespaceNames()).toHaveLength(200 - failed);
  });

  it("an unpullable image keeps the app pod in ImagePullBackOff naming the image", async () => {
    const { clock, sim, c } = setup();
    await c.ensureNamespace({ name: "store-b", labels: {} });
    sim.failImagePull("store-b", "wordpress:nope");
    const install = c.installRelease(spec("store-b"));
    await clock.advance(10_000);
    await install;
    const ns = (await c.snapshot()).namespaces.get("store-b")!;
    const container = ns.pods
      .flatMap((p) => p.containers)
      .find((x) => x.waitingReason === "ImagePullBackOff");
    expect(container).toMatchObject({
      image: "wordpress:nope",
      waitingMessage: 'Back-off pulling image "wordpress:nope"',
    });
  });

  it("a faulty chart version's app never pulls its image, in any namespace it is installed in", async () => {
    const { clock, sim, c } = setup();
    await c.ensureNamespace({ name: "store-v", labels: {} });
    const good = c.installRelease(spec("store-v"));
    await clock.advance(2_000);
    await good;
    // The installed chart stands for the faulty version here: whatever its Chart.yaml says.
    const version = /^version:\s*(\S+)/m.exec(
      readFileSync(join(WOOCOMMERCE_CHART, "Chart.yaml"), "utf8"),
    )?.[1] as string;
    sim.failChartVersionImagePull("woocommerce", version, "storeplane/woocommerce:missing");
    sim.failChartVersionImagePull("woocommerce", "9.9.9", "storeplane/woocommerce:other");
    let ns = (await c.snapshot()).namespaces.get("store-v")!;
    const app = () => ns.workloads.find((w) => w.name === "store-wordpress")!;
    await clock.advance(2_000);
    ns = (await c.snapshot()).namespaces.get("store-v")!;
    expect(app().readyReplicas).toBe(0);
    expect(
      ns.pods.flatMap((p) => p.containers).find((x) => x.waitingReason === "ImagePullBackOff"),
    ).toMatchObject({ image: "storeplane/woocommerce:missing" });
  });

  it("the service proxy's health answer: 404 without the Service, 503 until a pod is ready, then 200 or a faulty version's status", async () => {
    const { clock, sim, c } = setup();
    const target = { service: "store-wordpress", port: "http", path: "/wp-login.php" };
    await c.ensureNamespace({ name: "store-h", labels: {} });
    expect(await c.checkServiceHealth("store-h", target)).toMatchObject({ ok: false, status: 404 });
    const install = c.installRelease(spec("store-h"));
    await clock.advance(100);
    await install;
    expect(await c.checkServiceHealth("store-h", target)).toEqual({
      ok: false,
      status: 503,
      excerpt: 'no endpoints available for service "store-wordpress"',
    });
    await clock.advance(2_000);
    expect(await c.checkServiceHealth("store-h", target)).toEqual({
      ok: true,
      status: 200,
      excerpt: "OK",
    });
    const version = /^version:\s*(\S+)/m.exec(
      readFileSync(join(WOOCOMMERCE_CHART, "Chart.yaml"), "utf8"),
    )?.[1] as string;
    sim.failChartVersionHealth(
      "woocommerce",
      version,
      500,
      "Error establishing a database connection",
    );
    expect(await c.checkServiceHealth("store-h", target)).toMatchObject({ ok: false, status: 500 });
  });

  it("a crashed caller's install never finishes and leaves the release pending-install", async () => {
    const { clock, sim } = setup();
    const doomed = sim.connect("doomed");
    await doomed.ensureNamespace({ name: "store-c", labels: {} });
    let settled = false;
    void doomed.installRelease(spec("store-c")).finally(() => {
      settled = true;
    });
    await clock.advance(10);
    sim.crash("doomed");
    await clock.advance(1_000);
    expect(settled).toBe(false);
    const ns = (await sim.connect("other").snapshot()).namespaces.get("store-c")!;
    expect(ns.releases[0]?.status).toBe("pending-install");
    expect(sim.stats().completedInstalls.size).toBe(0);
  });

  it("records overlapping calls on one namespace (two replicas on one store)", async () => {
    const { clock, sim } = setup();
    const a = sim.connect("a");
    const b = sim.connect("b");
    await a.ensureNamespace({ name: "store-d", labels: {} });
    const one = a.installRelease(spec("store-d"));
    const two = b.applyObjects("store-d", []);
    await clock.advance(100);
    await Promise.all([one, two]);
    expect(sim.stats().overlaps).toHaveLength(1);
    expect(sim.stats().overlaps[0]).toMatchObject({ namespace: "store-d", callers: ["a", "b"] });
  });

  it("a namespace held by a PVC finalizer stays Terminating and shows what holds it, as the namespace controller reports it", async () => {
    const { clock, sim, c } = setup();
    await c.ensureNamespace({ name: "store-e", labels: {} });
    const install = c.installRelease(spec("store-e"));
    await clock.advance(100);
    await install;
    await clock.advance(1_000);
    await c.snapshot(); // the StatefulSet controller has made its volume claim
    sim.holdNamespaceTermination("store-e");
    await c.uninstallRelease("store-e", "store");
    await c.deleteNamespace("store-e");
    await clock.advance(5_000);
    const ns = (await c.snapshot()).namespaces.get("store-e")!;
    expect(ns.phase).toBe("Terminating");
    expect(ns.releases).toEqual([]);
    expect(ns.pvcs.map((p) => [p.name, p.phase]).sort()).toEqual([
      ["data-store-mariadb-0", "Terminating"],
      ["store-wordpress", "Terminating"],
    ]);
    expect(ns.terminationMessages).toEqual([
      "NamespaceContentRemaining: Some resources are remaining: persistentvolumeclaims. has 2 resource instances",
      "NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 2 resource instances",
    ]);
    sim.releaseNamespaceTermination("store-e");
    expect((await c.snapshot()).namespaces.has("store-e")).toBe(false);
  });
});

describe("simulated cluster objects (what the real snapshot code reads)", () => {
  async function installed(name: string) {
    const { clock, sim, c } = setup();
    await c.ensureNamespace({ name, labels: {} });
    const install = c.installRelease({ ...spec(name), values: { store: { id: "id-1", name } } });
    await clock.advance(100);
    await install;
    return { clock, sim, c };
  }

  it("helm keeps its release in Secrets named and labelled as Helm's storage driver does", async () => {
    const { sim } = await installed("store-h");
    const secrets = sim.list("Secret", { namespace: "store-h", labelSelector: "owner=helm" });
    expect(secrets.map((s) => [s.metadata.name, s.type, s.metadata.labels])).toEqual([
      [
        "sh.helm.release.v1.store.v1",
        "helm.sh/release.v1",
        {
          owner: "helm",
          name: "store",
          status: "deployed",
          version: "1",
          "storeplane.io/values-digest": "d1",
        },
      ],
    ]);
    const pods = sim.list("Pod", {
      namespace: "store-h",
      labelSelector: "storeplane.io/store-id=id-1",
    });
    expect(pods.map((p) => p.metadata.name).sort()).toEqual([
      expect.stringMatching(/^store-mariadb-0$/),
      expect.stringMatching(/^store-setup-r1-[0-9a-f]{5}$/),
      expect.stringMatching(/^store-wordpress-[0-9a-f]{10}-[0-9a-f]{5}$/),
    ]);
  });

  it("a missing chart fails with helm's words, mapped by the real stderr rules", async () => {
    const { c } = setup();
    await c.ensureNamespace({ name: "store-m", labels: {} });
    await expect(
      c.installRelease({ ...spec("store-m"), chart: "/nowhere/chart" }),
    ).rejects.toMatchObject({
      kind: "ChartInvalid",
      message: expect.stringContaining('path "/nowhere/chart" not found'),
    });
    await expect(c.installRelease(spec("store-absent"))).rejects.toMatchObject({
      kind: "NamespaceNotFound",
    });
  });

  it("a crash-looping app shows CrashLoopBackOff with restarts and a Warning BackOff event", async () => {
    const { clock, sim, c } = await installed("store-k");
    sim.failContainerStart("store-k");
    await clock.advance(3_500);
    const ns = (await c.snapshot()).namespaces.get("store-k")!;
    const app = ns.pods.flatMap((p) => p.containers).find((x) => x.name === "wordpress");
    expect(app).toMatchObject({ waitingReason: "CrashLoopBackOff", lastTerminatedReason: "Error" });
    expect(app!.restartCount).toBeGreaterThanOrEqual(2);
    expect(ns.events.some((e) => e.reason === "BackOff" && e.involvedKind === "Pod")).toBe(true);
    sim.clearContainerStartFailure("store-k");
    await clock.advance(1_000);
    const healed = (await c.snapshot()).namespaces.get("store-k")!;
    expect(healed.workloads.every((w) => w.readyReplicas === 1)).toBe(true);
  });

  it("stays fast with many stores: 2,000 Ready stores snapshot without re-progressing them", async () => {
    const { clock, sim, c } = setup();
    for (let i = 0; i < 2_000; i++) {
      const name = `store-${i}`;
      await c.ensureNamespace({ name, labels: {} });
      const install = c.installRelease(spec(name));
      await clock.advance(100);
      await install;
    }
    await clock.advance(2_000);
    await c.snapshot(); // everything settles once
    const started = performance.now();
    const snap = await c.snapshot();
    const ms = performance.now() - started;
    expect(snap.namespaces.size).toBe(2_000);
    expect(
      [...snap.namespaces.values()].every((n) => n.workloads.every((w) => w.readyReplicas === 1)),
    ).toBe(true);
    expect(sim.stats().reads).toBeGreaterThan(0);
    console.info(`snapshot of 2,000 Ready simulated stores: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(5_000);
  }, 120_000);
});
