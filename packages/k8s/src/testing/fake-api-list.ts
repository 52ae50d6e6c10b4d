// TEST TOOL — list calls: label and field selectors (label-selector.ts),
// metadata-only lists (PartialObjectMetadataList), and limit/continue
// pagination after https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks:
// a page of `limit` items carries metadata.continue; every following page is
// read from the SAME snapshot (here: the matching items frozen when the first
// page was served, which is what etcd's read at a fixed revision gives), and
// once that revision is compacted the token is refused with 410 Expired
// (k8s.io/apiserver/pkg/storage/etcd3/store.go, apierrors.NewResourceExpired).

import type { Route } from "./fake-api-routes.ts";
import { badRequest, expired } from "./fake-api-status.ts";
import type { KubeObj, ObjectStore } from "./fake-api-store.ts";
import { fieldMatcher, labelMatcher, SelectorError } from "./label-selector.ts";

export const CONTINUE_EXPIRED =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

interface Token {
  v: "meta.k8s.io/v1";
  rv: number;
  start: number;
  snapshot: number;
}

const encode = (t: Token) => Buffer.from(JSON.stringify(t)).toString("base64url");

function decode(raw: string): Token {
  try {
    const t = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Token;
    if (t.v === "meta.k8s.io/v1" && Number.isInteger(t.rv) && Number.isInteger(t.start)) return t;
  } catch {
    /* fall through */
  }
  throw badRequest(
    "invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

export interface ListResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export class Lister {
  private readonly snapshots = new Map<number, { rv: number; items: KubeObj[] }>();
  private nextSnapshot = 1;
  private compactedRevision = 0;

  constructor(private readonly store: ObjectStore) {}

  /** Like etcd compaction: every continue token issued so far now answers 410 Expired. */
  compact(): void {
    this.compactedRevision = this.store.revision;
    this.snapshots.clear();
  }

  reset(): void {
    this.snapshots.clear();
  }

  list(route: Route, query: Record<string, string>, accept: string): ListResponse {
    let items: KubeObj[];
    let rv: number;
    let start = 0;
    if (query.continue) {
      const token = decode(query.continue);
      const snap = this.snapshots.get(token.snapshot);
      if (token.rv <= this.compactedRevision || !snap) throw expired(CONTINUE_EXPIRED);
      ({ items, rv } = snap);
      start = token.start;
    } else {
      items = this.select(route, query);
      rv = this.store.revision;
    }
    const limit = Number.parseInt(query.limit ?? "", 10);
    let page = items.slice(start);
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (Number.isInteger(limit) && limit > 0 && page.length > limit) {
      page = page.slice(0, limit);
      const id = query.continue ? decode(query.continue).snapshot : this.nextSnapshot++;
      this.snapshots.set(id, { rv, items });
      metadata.continue = encode({ v: "meta.k8s.io/v1", rv, start: start + limit, snapshot: id });
      // Only counted when no selector filters the list (the API server cannot know then).
      if (!query.labelSelector && !query.fieldSelector)
        metadata.remainingItemCount = items.length - start - limit;
    }
    return this.render(route, accept, metadata, page);
  }

  private select(route: Route, query: Record<string, string>): KubeObj[] {
    let labels: ReturnType<typeof labelMatcher>;
    let fields: ReturnType<typeof fieldMatcher>;
    try {
      labels = labelMatcher(query.labelSelector);
      fields = fieldMatcher(query.fieldSelector);
    } catch (error) {
      // An unparsable selector is a 400 BadRequest from the API server.
      if (error instanceof SelectorError) throw badRequest(error.message);
      throw error;
    }
    return this.store
      .list(route.type, route.namespace)
      .filter((o) => labels(o.metadata.labels) && fields(o));
  }

  private render(
    route: Route,
    accept: string,
    metadata: Record<string, unknown>,
    items: KubeObj[],
  ) {
    if (accept.includes("as=PartialObjectMetadataList")) {
      return {
        status: 200,
        headers: {
          "content-type": "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
        },
        body: {
          kind: "PartialObjectMetadataList",
          apiVersion: "meta.k8s.io/v1",
          metadata,
          items: items.map((o) => ({
            kind: "PartialObjectMetadata",
            apiVersion: "meta.k8s.io/v1",
            metadata: o.metadata,
          })),
        },
      };
    }
    const t = route.type;
    return {
      status: 200,
      body: {
        kind: `${t.kind}List`,
        apiVersion: t.group ? `${t.group}/${t.version}` : t.version,
        metadata,
        items,
      },
    };
  }
}
