// TEST TOOL — a whole cluster at the fakeapi level: the fake API server plus
// what a real cluster runs besides the API server, so the REAL KubeCluster
// (client-node over HTTP) can take a store through its whole life:
// - helm: the simulated helm state machine (src/simulated/helm-releases.ts),
//   writing release Secrets and the chart's objects into the fake API
//   server's storage the way helm's Secret driver and apply do, with failures
//   through the real helm stderr mapping. It does not go through HTTP: helm
//   is a separate binary with its own RBAC needs (checked against the engine
//   charts in charts/test/rbac.helm.test.ts);
// - the workload controllers and the kubelet: simulated workload progression
//   (pods, their container states, Warning events, Job completion), with the
//   same faults as the simulated cluster (an image that cannot be pulled, a
//   PVC whose protection finalizer is never removed);
// - the pvc-protection controller: removes the finalizer of a deleted PVC.
// Labelled everywhere as a test tool; it is never a Kubernetes.
import type { Cluster, ReleaseSpec } from "../cluster.ts";
import type { Helm } from "../helm/helm.ts";
import { createKubeCluster } from "../kube-cluster.ts";
import { PVC_PROTECTION } from "../simulated/charts.ts";
import { Faults } from "../simulated/faults.ts";
import { SimulatedHelm } from "../simulated/helm-releases.ts";
import { FAST_LATENCIES } from "../simulated/latencies.ts";
import { releaseHeld, removeObject } from "../simulated/lifecycle.ts";
import { progressNamespace } from "../simulated/workloads.ts";
import { FakeApiObjects } from "./fake-api-objects.ts";
import { FakeApiServer } from "./fake-api-server.ts";
import type { StoreChange } from "./fake-api-store.ts";

const PROGRESS_EVERY_MS = 10;

export interface FakeApiClusterOptions {
  /** How long a helm upgrade takes between recording its pending revision and applying. */
  helmInstallMs: number;
}

export class FakeApiCluster {
  readonly objects: FakeApiObjects;
  readonly faults = new Faults(42, null);
  private readonly releases: SimulatedHelm;
  private readonly progressing = new Set<string>();
  private progressingNow = false;
  private readonly timer: ReturnType<typeof setInterval>;
  /** helm commands run (upgrade, rollback, uninstall), and installs that completed per namespace/release. */
  readonly helmStats = { commands: 0, completedInstalls: new Map<string, number>() };

  constructor(
    readonly api: FakeApiServer,
    private readonly options: FakeApiClusterOptions = { helmInstallMs: 0 },
  ) {
    this.objects = new FakeApiObjects(api.store);
    this.releases = new SimulatedHelm(this.objects, (o) =>
      removeObject(this.objects, this.faults, o, Date.now()),
    );
    api.store.onChange((c) => this.changed(c));
    this.timer = setInterval(() => this.progress(), PROGRESS_EVERY_MS);
    this.timer.unref();
  }

  static async start(options: Partial<FakeApiClusterOptions> = {}): Promise<FakeApiCluster> {
    return new FakeApiCluster(await new FakeApiServer().start(), {
      helmInstallMs: options.helmInstallMs ?? 0,
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.api.close();
  }

  /** The real cluster implementation (KubeCluster, client-node over HTTP) for one caller. */
  connect(callerId = "default", token?: string): Cluster {
    return createKubeCluster({
      kubeConfig: this.api.kubeConfig(token),
      helm: this.helmFor(callerId),
      timeoutMs: 5_000,
    });
  }

  // ---- faults, as on the simulated cluster -----------------------------------

  failImagePull(namespace: string, image: string): void {
    this.faults.unpullable.set(namespace, image);
    this.progressing.add(namespace);
  }

  clearImagePullFailure(namespace: string): void {
    this.faults.unpullable.delete(namespace);
    this.progressing.add(namespace);
  }

  holdNamespaceTermination(namespace: string): void {
    this.faults.heldTermination.add(namespace);
  }

  releaseNamespaceTermination(namespace: string): void {
    this.faults.heldTermination.delete(namespace);
    releaseHeld(this.objects, namespace);
  }

  /** A pending revision with nothing behind it, as a helm killed right after recording it leaves. */
  strandRelease(
    namespace: string,
    release: string,
    status: "pending-install" | "pending-upgrade" = "pending-install",
  ): void {
    this.releases.strand(namespace, release, status);
  }

  deleteObjectBehindTheBack(namespace: string, kind: string, name: string): void {
    const o = this.objects.get(kind, namespace, name);
    if (o) removeObject(this.objects, this.faults, o, Date.now());
  }

  namespaceNames(): string[] {
    return this.objects
      .list("Namespace")
      .map((n) => n.metadata.name)
      .sort();
  }

  // ---- helm --------------------------------------------------------------------

  /** Callers whose process was SIGKILLed: their helm never finishes nor returns. */
  private readonly crashed = new Set<string>();

  /** As if the caller's process got SIGKILL mid-helm: in-flight helm runs stop where they are. */
  crash(callerId: string): void {
    this.crashed.add(callerId);
  }

  /** helm for one caller: upgrade records the pending revision first, takes its time, then applies. */
  helmFor(callerId: string): Helm {
    const never = () => new Promise<never>(() => {});
    return {
      binary: "fake-api-helm",
      version: async () => "v4.0.0-fake-api",
      upgradeInstall: async (spec: ReleaseSpec) => {
        const { version, plan } = this.releases.beginInstall(spec);
        this.helmStats.commands += 1;
        if (this.options.helmInstallMs > 0)
          await new Promise((r) => setTimeout(r, this.options.helmInstallMs));
        if (this.crashed.has(callerId)) return never();
        this.releases.completeInstall(spec, version, plan);
        const key = `${spec.namespace}/${spec.release}`;
        const done = this.helmStats.completedInstalls;
        done.set(key, (done.get(key) ?? 0) + 1);
        this.progressing.add(spec.namespace);
        return null;
      },
      uninstall: async (namespace, release) => {
        this.helmStats.commands += 1;
        const found = this.releases.uninstall(namespace, release);
        return { outcome: found ? "uninstalled" : "not-found" };
      },
      rollback: async (namespace, release, to) => {
        this.helmStats.commands += 1;
        const version = this.releases.beginRollback(namespace, release, to);
        this.releases.completeRollback(namespace, release, version, to);
        this.progressing.add(namespace);
      },
      status: async () => null,
      history: async () => [],
      template: async () => ({ manifest: "", objects: [] }),
      lint: async () => ({ ok: true, output: "" }),
    };
  }

  // ---- the cluster's own controllers -----------------------------------------

  private changed(c: StoreChange): void {
    if (this.progressingNow) return;
    const ns = c.resource.namespaced ? c.object.metadata.namespace : c.object.metadata.name;
    if (ns && c.type !== "DELETED") this.progressing.add(ns);
    // pvc-protection: a deleted PVC loses its finalizer unless the fault holds it.
    const meta = c.object.metadata;
    if (
      c.resource.resource === "persistentvolumeclaims" &&
      c.type === "MODIFIED" &&
      meta.deletionTimestamp &&
      meta.finalizers?.includes(PVC_PROTECTION) &&
      !this.faults.heldTermination.has(meta.namespace ?? "")
    )
      queueMicrotask(() => this.objects.delete("PersistentVolumeClaim", meta.namespace, meta.name));
  }

  private progress(): void {
    this.progressingNow = true;
    try {
      for (const ns of this.progressing) {
        const live = this.objects.get("Namespace", undefined, ns);
        if (!live || live.metadata.deletionTimestamp) {
          this.progressing.delete(ns);
          continue;
        }
        if (progressNamespace(this.objects, this.faults, ns, Date.now(), FAST_LATENCIES))
          this.progressing.delete(ns);
      }
    } finally {
      this.progressingNow = false;
    }
  }
}
