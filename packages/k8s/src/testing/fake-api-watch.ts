// TEST TOOL — watch for the fake API server. It listens to the server's one
// write path (ObjectStore.commit, fake-api-store.ts): every committed change,
// already stamped with the store's global resourceVersion, lands in a bounded
// history window, and every open `?watch=true` stream whose path and selectors
// match is sent the change. Behaviour follows the Kubernetes API concepts page,
// "Efficient detection of changes" and "Watch bookmarks"
// (https://kubernetes.io/docs/reference/using-api/api-concepts/):
// - a watch from resourceVersion R sends every change after R, then live ones,
//   as newline-delimited JSON `{"type":"ADDED|MODIFIED|DELETED","object":…}`
//   over one chunked 200 response;
// - without resourceVersion (or "0") it first sends a synthetic ADDED for every
//   object that matches now ("Get State and Start at Most Recent"/"Any");
// - when R is older than the history the server keeps, the stream answers 200
//   and then one `{"type":"ERROR","object":<Status 410 Expired>}` event and
//   closes: "the client must handle the 410 Gone … by clearing its local
//   cache, performing a new get or list operation, and starting the watch from
//   the resourceVersion that was returned";
// - with allowWatchBookmarks=true it may send `{"type":"BOOKMARK"}` events
//   whose object carries only the current metadata.resourceVersion (here on
//   demand, `sendBookmarks()`, or on an interval);
// - a write that leaves a selected object no longer matching the selector is a
//   DELETED for that watch, one that starts matching is an ADDED (the watch
//   cache's filtering, k8s.io/apiserver/pkg/storage/cacher).
// - a write that changes nothing sends no event: the store does not commit it
//   (fake-api-store.ts), as the API server skips no-op updates.
import type { ServerResponse } from "node:http";
import { fieldMatcher, labelMatcher, SelectorError } from "../label-selector.ts";
import type { ResourceType } from "./fake-api-routes.ts";
import { typeOfResource } from "./fake-api-routes.ts";
import { statusBody } from "./fake-api-status.ts";
import type { KubeObj, ObjectStore, StoreChange } from "./fake-api-store.ts";

type Obj = KubeObj;

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

interface Change {
  rv: number;
  key: string;
  type: WatchEventType;
  object: Obj;
  previous: Obj | undefined;
}

/** What a watch request asks for (from its path and query). */
export interface WatchTarget {
  group: string;
  resource: string;
  /** Namespaced collection path, else cluster-wide. */
  namespace?: string;
  kind: string;
  apiVersion: string;
}

export interface OpenWatch {
  target: WatchTarget;
  query: Record<string, string>;
  /** The resourceVersion the stream started from ("" when unset). */
  from: string;
}

interface Watcher extends OpenWatch {
  res: ServerResponse;
  matches: (o: Obj) => boolean;
  bookmarks: boolean;
  metadataOnly: boolean;
}

export interface WatchHubOptions {
  /** Changes kept for resuming watches (default 10,000); older resourceVersions answer 410. */
  historySize?: number;
  /** Send BOOKMARK events on this interval to watches that allow them (default: only on demand). */
  bookmarkIntervalMs?: number;
}

export function isWatchRequest(query: Record<string, string>): boolean {
  return query.watch === "true" || query.watch === "1";
}

const METADATA_ONLY = "as=PartialObjectMetadata;";

/** The key tests address objects by: `${group}|${resource}|${namespace}|${name}`. */
const keyOf = (t: ResourceType, o: Obj) =>
  `${t.group}|${t.resource}|${t.namespaced ? (o.metadata.namespace ?? "") : ""}|${o.metadata.name}`;

function parseKey(key: string): { type: ResourceType; namespace: string; name: string } {
  const [group = "", resource = "", namespace = "", name = ""] = key.split("|");
  const type = typeOfResource(group, resource);
  if (!type) throw new Error(`fake api watch: unknown resource in key ${key}`);
  return { type, namespace, name };
}

export class WatchHub {
  private history: Change[] = [];
  /** Changes at or below this version are no longer in `history`. */
  private compactedThrough = 0;
  /** The last state of every object, to tell a selector's ADDED/DELETED transitions. */
  private readonly last = new Map<string, Obj>();
  private readonly watchers = new Set<Watcher>();
  private readonly historySize: number;
  private bookmarkTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    options: WatchHubOptions = {},
  ) {
    this.historySize = options.historySize ?? 10_000;
    this.compactedThrough = store.revision;
    this.unsubscribe = store.onChange((change) => this.onCommit(change));
    if (options.bookmarkIntervalMs) {
      this.bookmarkTimer = setInterval(() => this.sendBookmarks(), options.bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  /** The server's current resourceVersion (what a list answers with). */
  get resourceVersion(): string {
    return String(this.store.revision);
  }

  /** A stored object by its test key (`group|resource|namespace|name`). */
  get(key: string): Obj | undefined {
    const { type, namespace, name } = parseKey(key);
    return this.store.get(type, namespace || undefined, name);
  }

  /**
   * Remove an object as a controller or `kubectl delete` outside ours would
   * (no finalizers, no cascade): a DELETED change through the store's one
   * write path. False when it was not there.
   */
  delete(key: string): boolean {
    const { type, namespace, name } = parseKey(key);
    const existing = this.store.get(type, namespace || undefined, name);
    if (!existing) return false;
    this.store.commit("DELETED", type, existing);
    return true;
  }

  /** The store was cleared (server reset): history and streams go; the revision never goes back. */
  cleared(): void {
    this.last.clear();
    this.history = [];
    this.compactedThrough = this.store.revision;
    this.dropWatches();
  }

  private onCommit({ type, resource, object }: StoreChange): void {
    const key = keyOf(resource, object);
    const previous = this.last.get(key);
    if (type === "DELETED") this.last.delete(key);
    else this.last.set(key, object);
    this.record(key, type, object, previous);
  }

  // --- test controls ------------------------------------------------------

  get openWatches(): OpenWatch[] {
    return [...this.watchers].map(({ target, query, from }) => ({ target, query, from }));
  }

  /**
   * Forget the history up to the current version, as etcd compaction does:
   * a watch resuming from any earlier resourceVersion gets 410 Gone.
   */
  compact(): void {
    this.history = [];
    this.compactedThrough = this.store.revision;
  }

  /** Cut streams mid-flight (socket destroyed, no clean end), as a lost connection does. */
  dropWatches(filter: (w: OpenWatch) => boolean = () => true): number {
    let dropped = 0;
    for (const w of [...this.watchers]) {
      if (!filter(w)) continue;
      this.watchers.delete(w);
      w.res.destroy();
      dropped += 1;
    }
    return dropped;
  }

  /** Send a BOOKMARK with the current resourceVersion to every watch that allows them. */
  sendBookmarks(): number {
    let sent = 0;
    for (const w of this.watchers) {
      if (!w.bookmarks) continue;
      const kind = w.metadataOnly ? "PartialObjectMetadata" : w.target.kind;
      const apiVersion = w.metadataOnly ? "meta.k8s.io/v1" : w.target.apiVersion;
      this.write(w, {
        type: "BOOKMARK",
        object: { kind, apiVersion, metadata: { resourceVersion: this.resourceVersion } },
      });
      sent += 1;
    }
    return sent;
  }

  stop(): void {
    this.unsubscribe();
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    this.bookmarkTimer = null;
    this.dropWatches();
  }

  // --- serving a watch ----------------------------------------------------

  /** Answers a `?watch=true` request on `res` (kept open until dropped or the client leaves). */
  serve(
    target: WatchTarget,
    query: Record<string, string>,
    accept: string,
    res: ServerResponse,
  ): void {
    let labels: ReturnType<typeof labelMatcher>;
    let fields: ReturnType<typeof fieldMatcher>;
    try {
      labels = labelMatcher(query.labelSelector);
      fields = fieldMatcher(query.fieldSelector);
    } catch (error) {
      if (!(error instanceof SelectorError)) throw error;
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify(statusBody(400, "BadRequest", error.message)));
      return;
    }
    const prefix = `${target.group}|${target.resource}|`;
    const from = query.resourceVersion ?? "";
    const metadataOnly = accept.includes(METADATA_ONLY);
    const watcher: Watcher = {
      target,
      query,
      from,
      res,
      bookmarks: query.allowWatchBookmarks === "true" || query.allowWatchBookmarks === "1",
      metadataOnly,
      matches: (o) =>
        (!target.namespace || o.metadata.namespace === target.namespace) &&
        labels(o.metadata.labels) &&
        fields(o),
    };
    res.writeHead(200, {
      "content-type": metadataOnly
        ? "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
        : "application/json",
    });
    res.flushHeaders();
    if (from === "" || from === "0") {
      const type = typeOfResource(target.group, target.resource);
      for (const o of type ? this.store.list(type) : []) {
        if (watcher.matches(o)) this.write(watcher, event("ADDED", o, watcher));
      }
    } else {
      const since = Number(from);
      if (!Number.isFinite(since) || since < this.compactedThrough) {
        const message = `too old resource version: ${from} (${this.compactedThrough + 1})`;
        this.write(watcher, { type: "ERROR", object: statusBody(410, "Expired", message) });
        res.end();
        return;
      }
      for (const c of this.history) {
        if (c.rv > since && c.key.startsWith(prefix)) this.deliver(watcher, c);
      }
    }
    this.watchers.add(watcher);
    res.on("close", () => this.watchers.delete(watcher));
  }

  private record(key: string, type: WatchEventType, object: Obj, previous: Obj | undefined): void {
    // The store hands listeners their own copies, so they can be kept as they are.
    const change: Change = {
      rv: Number(object.metadata.resourceVersion),
      key,
      type,
      object,
      previous,
    };
    this.history.push(change);
    if (this.history.length > this.historySize * 2) {
      const dropped = this.history.splice(0, this.history.length - this.historySize);
      this.compactedThrough = dropped.at(-1)?.rv ?? this.compactedThrough;
    }
    const prefix = `${key.split("|").slice(0, 2).join("|")}|`;
    for (const w of this.watchers) {
      if (`${w.target.group}|${w.target.resource}|` === prefix) this.deliver(w, change);
    }
  }

  private deliver(w: Watcher, c: Change): void {
    const now = c.type !== "DELETED" && w.matches(c.object);
    const before = c.previous !== undefined && w.matches(c.previous);
    if (c.type === "DELETED") {
      if (before) this.write(w, event("DELETED", c.object, w));
    } else if (now && before) this.write(w, event("MODIFIED", c.object, w));
    else if (now) this.write(w, event("ADDED", c.object, w));
    else if (before) this.write(w, event("DELETED", c.object, w));
  }

  private write(w: Watcher, e: unknown): void {
    if (!w.res.writableEnded && !w.res.destroyed) w.res.write(`${JSON.stringify(e)}\n`);
  }
}

function event(type: WatchEventType, o: Obj, w: Watcher) {
  const object = w.metadataOnly
    ? { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata }
    : o;
  return { type, object };
}
