// The simulated cluster's snapshot, kept up to date by what changed. A real
// snapshot is 12 cluster-wide lists (readSnapshotLists) grouped by namespace
// (buildSnapshot); rebuilding that from every object for every snapshot made
// provisioning quadratic (a fleet takes one snapshot per claimed batch, and
// each cost a pass over every store's objects). Here each namespace's state
// is built by the same two functions from the object store scoped to that
// namespace, only when one of its objects was written since the last
// snapshot; a snapshot then costs the changed namespaces, and shares every
// state that did not change with the snapshots before it (bucketed-map.ts).
// The API reads it stands for are still counted as the 12 lists a real
// snapshot makes, so the call statistics stay those of the real cluster.
import type { ClusterSnapshot, NamespaceState } from "../cluster.ts";
import { buildSnapshot, readSnapshotLists } from "../observe/build-snapshot.ts";
import { BucketedMap } from "./bucketed-map.ts";
import { storeListSource } from "./list-source.ts";
import type { ObjectStore } from "./object-store.ts";

/** The list calls a snapshot makes (readSnapshotLists), each counted as one API read. */
export const SNAPSHOT_LIST_CALLS = [
  "namespaces",
  "resourcequotas",
  "limitranges",
  "networkpolicies",
  "secrets (platform)",
  "secrets (helm releases)",
  "deployments",
  "statefulsets",
  "jobs",
  "pods",
  "persistentvolumeclaims",
  "events",
] as const;

export class SnapshotCache {
  /** Managed namespaces' states; a snapshot shares every bucket that did not change. */
  private readonly states = new BucketedMap<NamespaceState>();
  private dirty = new Set<string>();
  /** The Map the last snapshot handed out, while nothing has changed since. */
  private published: Map<string, NamespaceState> | null = null;
  /** Rebuilds run one at a time, so a snapshot never returns a half-applied change. */
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly store: ObjectStore) {
    // Whatever the store already holds (a restored state file) counts as changed.
    for (const name of store.namespaceNames()) this.dirty.add(name);
    store.onChange((namespace) => this.dirty.add(namespace));
  }

  /** The snapshot as of now; `onRead` is called once per list call a real snapshot makes. */
  async snapshot(takenAt: Date, onRead: (what: string) => void): Promise<ClusterSnapshot> {
    for (const call of SNAPSHOT_LIST_CALLS) onRead(call);
    const refresh = this.refreshing.then(() => this.refresh());
    this.refreshing = refresh.catch(() => undefined);
    await refresh;
    // Nothing written since the last snapshot (a steady fleet): the same
    // states, so the same Map — snapshots are read-only for their readers.
    this.published ??= this.states.publish();
    return { takenAt, namespaces: this.published };
  }

  private async refresh(): Promise<void> {
    const changed = this.dirty;
    this.dirty = new Set();
    if (changed.size > 0) this.published = null;
    try {
      for (const name of changed) {
        const lists = await readSnapshotLists(storeListSource(this.store, noop, name));
        const state = buildSnapshot(lists).namespaces.get(name);
        if (state) this.states.set(name, state);
        else this.states.delete(name); // gone, or no longer managed
      }
    } catch (error) {
      // Rebuilt again next time rather than served stale forever.
      for (const name of changed) this.dirty.add(name);
      throw error;
    }
  }
}

const noop = () => {};
