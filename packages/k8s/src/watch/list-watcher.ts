// One kind kept in memory the way client-go's reflector keeps an informer's
// store: list once, then watch from the list's resourceVersion with bookmarks,
// resume from the last resourceVersion seen when a stream ends or drops, and
// list again only when the server says that version is gone (410 Expired).
//
// The stream itself is client-node's `Watch` (auth, TLS, line parsing). Its
// `ListWatch`/`makeInformer` (1.4.0) is not used: it never asks for bookmarks,
// cannot send the metadata-only Accept header Helm's Secrets need, keeps whole
// objects (no transform), and stops for good after a network error.
import { type KubeConfig, Watch } from "@kubernetes/client-node";
import type { Logger } from "pino";

export type ChangeType = "added" | "modified" | "deleted";

export interface ListedPage {
  items: unknown[];
  resourceVersion: string;
}

export interface ListWatchSpec<T> {
  /** For logs, e.g. "pods". */
  name: string;
  /** Cluster-wide collection path, e.g. /api/v1/pods. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Accept header for the watch (the list call sets its own). */
  accept?: string;
  /** The initial list and every relist, with the list's resourceVersion. */
  list(): Promise<ListedPage>;
  /** What the cache keeps of an object: only what the snapshot reads. */
  transform(raw: unknown): T;
}

export interface WatchStats {
  lists: number;
  watches: number;
  relists: number;
  events: number;
  bookmarks: number;
}

interface Entry<T> {
  value: T;
  resourceVersion: string;
}

interface Meta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

type Listener<T> = (type: ChangeType, value: T, previous: T | undefined) => void;

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;
/** A stream that ended sooner than this is retried with backoff, so a flapping server is not hammered. */
const SHORT_WATCH_MS = 1_000;

function keyOf(o: Meta): string {
  return `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

/**
 * client-node's Watch asks its KubeConfig for fetch options only; this view of
 * the same config adds an Accept header (the metadata-only form of a watch).
 */
function withAccept(kc: KubeConfig, accept: string | undefined): KubeConfig {
  if (!accept) return kc;
  const view = {
    getCurrentCluster: () => kc.getCurrentCluster(),
    applyToFetchOptions: (opts: { headers?: Record<string, string> }) =>
      kc.applyToFetchOptions({ ...opts, headers: { ...opts.headers, Accept: accept } }),
  };
  return view as unknown as KubeConfig;
}

export class ListWatcher<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Keys by namespace, so a snapshot of a few stores reads only theirs. */
  private readonly byNamespace = new Map<string, Set<string>>();
  private readonly listeners = new Set<Listener<T>>();
  private readonly watch: Watch;
  private resourceVersion = "";
  private stopped = false;
  private stream: AbortController | null = null;
  private wakeSleep: (() => void) | null = null;
  private backoffMs = MIN_BACKOFF_MS;
  private running: Promise<void> | null = null;
  readonly stats: WatchStats = { lists: 0, watches: 0, relists: 0, events: 0, bookmarks: 0 };

  constructor(
    kc: KubeConfig,
    private readonly spec: ListWatchSpec<T>,
    private readonly log: Logger,
  ) {
    this.watch = new Watch(withAccept(kc, spec.accept));
  }

  /** Lists once (throws when that fails), then keeps watching in the background. */
  async start(): Promise<void> {
    await this.relist(false);
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stream?.abort();
    this.wakeSleep?.();
    await this.running;
  }

  onChange(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  values(): T[] {
    return [...this.entries.values()].map((e) => e.value);
  }

  /** The objects in these namespaces (for a cluster-scoped kind: named so). */
  valuesIn(namespaces: Iterable<string>, clusterScoped = false): T[] {
    const out: T[] = [];
    for (const ns of namespaces) {
      if (clusterScoped) {
        const e = this.entries.get(`/${ns}`);
        if (e) out.push(e.value);
        continue;
      }
      for (const key of this.byNamespace.get(ns) ?? []) {
        const e = this.entries.get(key);
        if (e) out.push(e.value);
      }
    }
    return out;
  }

  private remember(key: string, entry: Entry<T>): void {
    this.entries.set(key, entry);
    const ns = key.slice(0, key.indexOf("/"));
    const keys = this.byNamespace.get(ns) ?? new Set<string>();
    keys.add(key);
    this.byNamespace.set(ns, keys);
  }

  private forget(key: string): void {
    this.entries.delete(key);
    const ns = key.slice(0, key.indexOf("/"));
    const keys = this.byNamespace.get(ns);
    keys?.delete(key);
    if (keys?.size === 0) this.byNamespace.delete(ns);
  }

  get(namespace: string, name: string): T | undefined {
    return this.entries.get(`${namespace}/${name}`)?.value;
  }

  /** The last resourceVersion seen (list, event or bookmark). */
  get version(): string {
    return this.resourceVersion;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const startedAt = Date.now();
      try {
        if (!this.resourceVersion) await this.relist(true);
        const end = await this.watchOnce();
        if (end === "expired") {
          // 410: the version we hold is compacted away; only a new list can resync.
          this.log.info({ kind: this.spec.name }, "watch expired (410): relisting");
          this.resourceVersion = "";
        }
        if (Date.now() - startedAt >= SHORT_WATCH_MS) this.backoffMs = MIN_BACKOFF_MS;
        else await this.backoff();
      } catch (error) {
        if (this.stopped) return;
        this.log.warn(
          { kind: this.spec.name, err: error instanceof Error ? error.message : String(error) },
          "watch failed; resuming after backoff",
        );
        await this.backoff();
      }
    }
  }

  private async backoff(): Promise<void> {
    const ms = this.backoffMs * (0.8 + Math.random() * 0.4);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeSleep = null;
  }

  /**
   * Replaces the contents with a fresh list. After the first sync the
   * difference is reported as changes, so nothing missed while the watch
   * was gone goes unnoticed.
   */
  private async relist(report: boolean): Promise<void> {
    const page = await this.spec.list();
    this.stats.lists += 1;
    if (report) this.stats.relists += 1;
    const seen = new Set<string>();
    for (const raw of page.items) {
      const key = keyOf(raw as Meta);
      seen.add(key);
      this.upsert(key, raw, report);
    }
    for (const [key, entry] of this.entries) {
      if (seen.has(key)) continue;
      this.forget(key);
      if (report) this.emit("deleted", entry.value, undefined);
    }
    this.resourceVersion = page.resourceVersion;
  }

  private upsert(key: string, raw: unknown, report: boolean): void {
    const rv = (raw as Meta).metadata?.resourceVersion ?? "";
    const old = this.entries.get(key);
    if (old && rv && old.resourceVersion === rv) return;
    const value = this.spec.transform(raw);
    this.remember(key, { value, resourceVersion: rv });
    if (report) this.emit(old ? "modified" : "added", value, old?.value);
  }

  private emit(type: ChangeType, value: T, previous: T | undefined): void {
    for (const l of this.listeners) {
      try {
        l(type, value, previous);
      } catch (error) {
        this.log.error({ kind: this.spec.name, err: error }, "cache listener failed");
      }
    }
  }

  /** One watch stream, resolved when it ends: "closed" (resume) or "expired" (relist). */
  private watchOnce(): Promise<"closed" | "expired"> {
    this.stats.watches += 1;
    return new Promise((resolve, reject) => {
      let expired = false;
      let finished = false;
      const query: Record<string, string> = {
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: "true",
      };
      if (this.spec.labelSelector) query.labelSelector = this.spec.labelSelector;
      if (this.spec.fieldSelector) query.fieldSelector = this.spec.fieldSelector;
      const onEvent = (type: string, obj: unknown) => {
        const o = obj as Meta & { code?: number };
        switch (type) {
          case "ADDED":
          case "MODIFIED":
            this.stats.events += 1;
            this.upsert(keyOf(o), obj, true);
            break;
          case "DELETED": {
            this.stats.events += 1;
            const key = keyOf(o);
            const old = this.entries.get(key);
            if (old) {
              this.forget(key);
              this.emit("deleted", old.value, undefined);
            }
            break;
          }
          case "BOOKMARK":
            this.stats.bookmarks += 1;
            break;
          case "ERROR":
            if (o.code === 410) expired = true;
            return;
          default:
            return;
        }
        const rv = o.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
      };
      const onDone = (err: unknown) => {
        finished = true;
        this.stream = null;
        if (this.stopped) return resolve("closed");
        const statusCode = (err as { statusCode?: number } | null)?.statusCode;
        if (expired || statusCode === 410) return resolve("expired");
        if (err) return reject(err);
        resolve("closed");
      };
      this.watch.watch(this.spec.path, query, onEvent, onDone).then((controller) => {
        if (this.stopped) controller.abort();
        else if (!finished) this.stream = controller;
      }, reject);
    });
  }
}
