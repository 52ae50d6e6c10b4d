// TEST TOOL — an HTTP-level fake of the Kubernetes API server, for driving the
// REAL @kubernetes/client-node in tests. It is not a Kubernetes (no
// scheduler, no controllers except the namespace controller's deletion, no
// admission except NamespaceLifecycle), but what it answers follows the API
// server's documented behaviour, each piece in its own module:
//   fake-api-store.ts       objects + one resourceVersion counter; commit() is the only write path
//   fake-api-managers.ts    server-side apply field managers, conflicts, force
//   fake-api-writes.ts      create / update / patch / apply / delete, optimistic concurrency
//   fake-api-namespaces.ts  Terminating namespaces, admission of creates
//   fake-api-list.ts        selectors, metadata-only lists, limit/continue
//   fake-api-status.ts      Status error bodies (apimachinery errors.go)
//   fake-api-routes.ts      paths → resource, and the verb RBAC sees
//   fake-api-scale.ts       the scale subresource of Deployments and StatefulSets
// It records every request (with what RBAC would check) and lets a test
// inject failures or hang a request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { discoveryDocument } from "./fake-api-discovery.ts";
import { Lister } from "./fake-api-list.ts";
import { NamespaceLifecycle } from "./fake-api-namespaces.ts";
import { decodeProtobufObject } from "./fake-api-protobuf.ts";
import { parseRoute, type RbacRequest, rbacRequest, typeOfObject } from "./fake-api-routes.ts";
import { isScaleRoute, serveScale } from "./fake-api-scale.ts";
import { methodNotAllowed, notFound, StatusError, statusBody } from "./fake-api-status.ts";
import { type KubeObj, ObjectStore } from "./fake-api-store.ts";
import { isWatchRequest, WatchHub } from "./fake-api-watch.ts";
import { create, patch, remove, update, type WriteRequest } from "./fake-api-writes.ts";

export { statusBody } from "./fake-api-status.ts";
export type { ChangeListener, KubeObj, StoreChange } from "./fake-api-store.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON when it parses, else the raw text ("" when empty). */
  body: unknown;
  /**
   * What the authorizer checks for this request: usually one entry; an apply
   * that creates its object is also checked for `create`. Empty for
   * non-resource paths (/version).
   */
  rbac: RbacRequest[];
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a Service's backend answers through the service proxy; undefined: no ready endpoint. */
export type ServiceBackend = (request: {
  namespace: string;
  service: string;
  port: string;
  /** The path after /proxy, with its leading slash ("/" when none). */
  path: string;
}) => { status: number; body: string; contentType?: string } | undefined;

/** Return a response to answer with it, "hang" to never answer, or undefined to fall through. */
export type Interceptor = (req: RecordedRequest) => FakeResponse | "hang" | undefined;

export interface FakeApiServerOptions {
  /** Delay before the namespace controller deletes a Terminating namespace's contents. */
  namespaceDeletionDelayMs?: number;
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Every object, and the one hook on every committed write (`store.onChange`). */
  readonly store = new ObjectStore();
  /** `?watch=true` streams over the store's changes, and their test controls (fake-api-watch.ts). */
  readonly objects = new WatchHub(this.store);
  readonly namespaces: NamespaceLifecycle;
  private readonly lister = new Lister(this.store);
  private interceptors: Interceptor[] = [];
  private backend: ServiceBackend = () => undefined;
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | null = null;
  private port = 0;

  private readonly deletionDelayMs: number;

  constructor(options: FakeApiServerOptions = {}) {
    this.deletionDelayMs = options.namespaceDeletionDelayMs ?? 0;
    this.namespaces = new NamespaceLifecycle(this.store, this.deletionDelayMs);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.namespaces.cancel();
    this.objects.stop();
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server?.closeAllConnections();
  }

  /**
   * A KubeConfig pointing at this server. client-node refuses plain http://
   * unless the cluster is marked insecure-skip-tls-verify, so it is. The
   * token tells callers apart in `requests` (headers.authorization).
   */
  kubeConfig(token = "fake-token"): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "fake", server: this.url, skipTLSVerify: true }],
      users: [{ name: "fake-user", token }],
      contexts: [{ name: "fake-context", cluster: "fake", user: "fake-user" }],
      currentContext: "fake-context",
    });
    return kc;
  }

  intercept(fn: Interceptor): void {
    this.interceptors.push(fn);
  }

  /** Answer the next request matching `method` and `pathIncludes` with an error Status. */
  failNext(
    match: { method?: string; pathIncludes?: string },
    status: number,
    reason = "Injected",
  ): void {
    let used = false;
    this.intercept((req) => {
      if (used) return undefined;
      if (match.method && req.method !== match.method) return undefined;
      if (match.pathIncludes && !req.path.includes(match.pathIncludes)) return undefined;
      used = true;
      return { status, body: statusBody(status, reason, `injected ${status}`) };
    });
  }

  /**
   * What the pods behind Services answer through
   * /api/v1/namespaces/{ns}/services/{name}[:{port}]/proxy/{path}; the test
   * plays the engine. Until set (and whenever it returns undefined) the proxy
   * answers as the API server does for a Service without ready endpoints.
   */
  serveServiceBackend(backend: ServiceBackend): void {
    this.backend = backend;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  reset(): void {
    this.clearRequests();
    this.namespaces.cancel();
    this.namespaces.deletionDelayMs = this.deletionDelayMs;
    this.store.clear();
    this.objects.cleared();
    this.lister.reset();
    this.interceptors = [];
    this.backend = () => undefined;
  }

  /**
   * Like etcd compaction: continue tokens issued so far, and watches resuming
   * from any earlier resourceVersion, answer 410 Expired.
   */
  compact(): void {
    this.lister.compact();
    this.objects.compact();
  }

  /**
   * Seed an object as if it had always been there (no admission, no field
   * managers unless `manager` is given); its kind decides where it lives.
   */
  put(obj: KubeObj): KubeObj {
    const type = typeOfObject(obj.apiVersion, obj.kind);
    if (!type) throw new Error(`fake api: unknown kind ${obj.apiVersion}/${obj.kind}`);
    const copy = structuredClone(obj);
    if (!type.namespaced) delete copy.metadata.namespace;
    const existing = this.store.get(type, copy.metadata.namespace, copy.metadata.name);
    return this.store.commit(existing ? "MODIFIED" : "ADDED", type, copy);
  }

  get(
    group: string,
    resource: string,
    namespace: string | undefined,
    name: string,
  ): KubeObj | undefined {
    const parsed = parseRoute(
      group ? `/apis/${group}/v1/${resource}/${name}` : `/api/v1/${resource}/${name}`,
    );
    if (!parsed || !("route" in parsed)) return undefined;
    return this.store.get(parsed.route.type, namespace, name);
  }

  /** Resolves once the namespace has finished terminating (or is already gone). */
  namespaceGone(name: string): Promise<void> {
    return this.namespaces.whenGone(name);
  }

  count(filter: (r: RecordedRequest) => boolean = () => true): number {
    return this.requests.filter(filter).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString("utf8");
    let body: unknown = text;
    if ((req.headers["content-type"] ?? "").startsWith("application/vnd.kubernetes.protobuf")) {
      // The real helm binary writes its release Secrets in protobuf.
      const decoded = decodeProtobufObject(raw);
      body = decoded instanceof Error ? text : decoded;
    } else {
      try {
        body = text ? JSON.parse(text) : "";
      } catch {
        /* keep raw text */
      }
    }
    const url = new URL(req.url ?? "/", this.url);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(", ") : (v ?? "");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      rbac: [],
    };
    const parsed = parseRoute(recorded.path);
    if (parsed && "route" in parsed)
      recorded.rbac.push(rbacRequest(recorded.method, parsed.route, recorded.query));
    this.requests.push(recorded);

    for (const fn of this.interceptors) {
      const r = fn(recorded);
      if (r === "hang") {
        this.hanging.add(res);
        res.on("close", () => this.hanging.delete(res));
        return;
      }
      if (r) return this.send(res, r);
    }
    if (
      parsed &&
      "route" in parsed &&
      recorded.method === "GET" &&
      isWatchRequest(recorded.query)
    ) {
      const { type, namespace, name } = parsed.route;
      if (!name) {
        const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
        const target = {
          group: type.group,
          resource: type.resource,
          namespace,
          kind: type.kind,
          apiVersion,
        };
        return this.objects.serve(target, recorded.query, headers.accept ?? "", res);
      }
    }
    if (
      parsed &&
      "route" in parsed &&
      parsed.route.type.resource === "services" &&
      parsed.route.subresource === "proxy" &&
      recorded.method === "GET"
    )
      return this.proxyService(parsed.route, recorded.path, res);
    let answer: FakeResponse;
    try {
      answer = this.serve(recorded);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      answer = { status: error.code, body: error.body };
    }
    this.send(res, answer);
  }

  /**
   * The service proxy (Kubernetes API reference, Service v1 "proxy" connect
   * operations; the apiserver's service REST storage, pkg/registry/core/service):
   * `{name}` or `{name}:{port}` (a port name or number); a Service that does
   * not exist is 404 NotFound; one without a ready endpoint is 503 with
   * "no endpoints available for service \"name\""; otherwise the backend's
   * own status, body and content type are relayed as they are.
   */
  private proxyService(
    route: { namespace?: string; name?: string; type: { group: string; resource: string } },
    path: string,
    res: ServerResponse,
  ): void {
    // client-node sends `name:port` percent-encoded (%3A); the API server
    // decodes the path before routing it, as Go's net/http does.
    const [service = "", port = ""] = decodeURIComponent(route.name ?? "").split(":");
    const namespace = route.namespace ?? "";
    const type = parseRoute(`/api/v1/namespaces/${namespace}/services`);
    const exists =
      type && "route" in type && this.store.get(type.route.type, namespace, service) !== undefined;
    if (!exists) {
      this.send(res, {
        status: 404,
        body: statusBody(404, "NotFound", `services "${service}" not found`, {
          name: service,
          kind: "services",
        }),
      });
      return;
    }
    const rest = decodeURIComponent(path.split("/proxy")[1] ?? "");
    const answer = this.backend({ namespace, service, port, path: rest || "/" });
    if (!answer) {
      this.send(res, {
        status: 503,
        body: statusBody(
          503,
          "ServiceUnavailable",
          `no endpoints available for service "${service}"`,
        ),
      });
      return;
    }
    res.writeHead(answer.status, { "content-type": answer.contentType ?? "text/plain" });
    res.end(answer.body);
  }

  private send(res: ServerResponse, r: FakeResponse): void {
    const payload = r.body === undefined ? "" : JSON.stringify(r.body);
    res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
    res.end(payload);
  }

  private serve(req: RecordedRequest): FakeResponse {
    if (req.path === "/version") {
      return {
        status: 200,
        body: { major: "1", minor: "33", gitVersion: "v1.33.0-fake", platform: "linux/amd64" },
      };
    }
    const discovery = req.method === "GET" ? discoveryDocument(req.path) : undefined;
    if (discovery) return { status: 200, body: discovery };
    const parsed = parseRoute(req.path);
    if (!parsed)
      throw new StatusError(
        statusBody(404, "NotFound", "the server could not find the requested resource"),
      );
    if ("unknown" in parsed)
      throw new StatusError(
        statusBody(404, "NotFound", "the server could not find the requested resource", {}),
      );
    const { route } = parsed;
    if (isWatchRequest(req.query))
      throw methodNotAllowed("watch of a single object (not served by this fake)");
    const write: WriteRequest = {
      route,
      query: req.query,
      contentType: req.headers["content-type"] ?? "",
      userAgent: req.headers["user-agent"] ?? "",
      body: req.body,
    };
    if (route.name === undefined) {
      if (req.method === "GET") return this.lister.list(route, req.query, req.headers.accept ?? "");
      if (req.method === "POST")
        return create({ store: this.store, namespaces: this.namespaces }, write);
      throw methodNotAllowed(req.method);
    }
    if (isScaleRoute(route))
      return serveScale(this.store, req.method, route, write.contentType, req.body);
    const ctx = { store: this.store, namespaces: this.namespaces };
    switch (req.method) {
      case "GET": {
        const obj = this.store.get(route.type, route.namespace, route.name);
        if (!obj) throw notFound(route.type, route.name);
        return { status: 200, body: obj };
      }
      case "PUT":
        return update(ctx, write);
      case "PATCH": {
        const existed = this.store.get(route.type, route.namespace, route.name) !== undefined;
        const answer = patch(ctx, write);
        // An apply that creates its object is authorized for create as well
        // (https://kubernetes.io/docs/reference/using-api/server-side-apply/#permissions).
        if (!existed && answer.status === 201)
          req.rbac.push(rbacRequest(req.method, route, req.query, "create"));
        return answer;
      }
      case "DELETE":
        return remove(ctx, route);
      default:
        throw methodNotAllowed(req.method);
    }
  }
}

export async function startFakeApiServer(options?: FakeApiServerOptions): Promise<FakeApiServer> {
  return new FakeApiServer(options).start();
}
