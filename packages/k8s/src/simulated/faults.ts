// Fault injection for the simulated cluster, as data: what a test or the demo
// breaks (a registry without an image, a container that keeps crashing, a
// finalizer nobody removes, a flaky API). The effects show on the objects
// (pod status, events, PVCs left Terminating), never as invented views.
// Faults are kept with the cluster's state file, as a broken registry would
// outlive a restarted controller.
import { KubeError } from "../client/errors.ts";
import { type Random, seededRandom } from "./random.ts";

export type ClusterMethod =
  | "snapshot"
  | "ensureNamespace"
  | "applyObjects"
  | "readJob"
  | "deleteJob"
  | "scaleWorkload"
  | "ensureSecret"
  | "readSecret"
  | "copySecret"
  | "installRelease"
  | "unlockRelease"
  | "rollbackRelease"
  | "checkServiceHealth"
  | "uninstallRelease"
  | "deleteNamespace";

export interface TransientFaults {
  /** Share of calls (0..1) that fail before doing anything. */
  rate: number;
  /** Which calls may fail; default all. */
  methods?: ClusterMethod[];
  /** The error thrown; default a transient KubeError "Unavailable". */
  error?: (method: ClusterMethod) => Error;
}

export interface PersistedFaults {
  /** namespace → image the registry does not have; the app workload runs it. */
  unpullable: Record<string, string>;
  /** Namespaces whose app container exits with an error on every start. */
  crashLooping: string[];
  /** Namespaces whose PVCs keep their protection finalizer (deletion hangs). */
  heldTermination: string[];
}

export class Faults {
  private readonly random: Random;
  transient: TransientFaults | null;
  readonly unpullable = new Map<string, string>();
  readonly crashLooping = new Set<string>();
  /**
   * A faulty chart release: `helm.sh/chart` label (e.g. "woocommerce-0.3.0")
   * → an image the registry lacks, which that chart version's app runs in
   * every namespace. Rolling back to another version cures it. Not kept in
   * the state file.
   */
  readonly unpullableCharts = new Map<string, string>();
  /**
   * A chart release whose engine runs and passes its readiness probe but
   * whose health path answers `status` through the service proxy (a broken
   * check, a dependency down that readiness does not cover), keyed like
   * unpullableCharts. Not kept in the state file.
   */
  readonly unhealthyCharts = new Map<string, { status: number; body: string }>();
  readonly heldTermination = new Set<string>();
  injected = 0;

  constructor(seed: number, transient: TransientFaults | null) {
    this.random = seededRandom(seed);
    this.transient = transient;
  }

  /** The error to throw for this call, or null; decided by the seeded dice. */
  roll(method: ClusterMethod): Error | null {
    const f = this.transient;
    if (!f || f.rate <= 0 || (f.methods && !f.methods.includes(method))) return null;
    if (this.random() >= f.rate) return null;
    this.injected += 1;
    return (
      f.error?.(method) ??
      new KubeError("Unavailable", `${method}: Unavailable: simulated transient failure`)
    );
  }

  /** True when anything here changes a namespace's objects over time. */
  touches(namespace: string): boolean {
    return (
      this.unpullable.has(namespace) ||
      this.unpullableCharts.size > 0 ||
      this.crashLooping.has(namespace) ||
      this.heldTermination.has(namespace)
    );
  }

  /** Images no pod in `namespace` can pull: its own fault, and every faulty chart's. */
  unpullableImages(namespace: string): Set<string> {
    const images = new Set(this.unpullableCharts.values());
    const own = this.unpullable.get(namespace);
    if (own) images.add(own);
    return images;
  }

  dump(): PersistedFaults {
    return {
      unpullable: Object.fromEntries(this.unpullable),
      crashLooping: [...this.crashLooping],
      heldTermination: [...this.heldTermination],
    };
  }

  load(state: PersistedFaults): void {
    for (const [ns, image] of Object.entries(state.unpullable)) this.unpullable.set(ns, image);
    for (const ns of state.crashLooping) this.crashLooping.add(ns);
    for (const ns of state.heldTermination) this.heldTermination.add(ns);
  }
}
