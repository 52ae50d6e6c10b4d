// TEST TOOL — an HTTP-level fake of the Kubernetes API server, for driving the
// REAL @kubernetes/client-node in tests. It keeps objects in memory, records
// every request (method, path, query, headers, body) and lets a test inject
// failures or hang a request. It is not a Kubernetes: no admission, no
// controllers, no resourceVersion semantics, just enough REST to prove what
// the client sends and how answers are handled.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { fieldMatcher, labelMatcher, SelectorError } from "../label-selector.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON when it parses, else the raw text ("" when empty). */
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Return a response to answer with it, "hang" to never answer, or undefined to fall through. */
export type Interceptor = (req: RecordedRequest) => FakeResponse | "hang" | undefined;

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
};

interface Route {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
}

const KIND_TO_RESOURCE: Record<string, string> = {
  Namespace: "namespaces",
  Secret: "secrets",
  Pod: "pods",
  ResourceQuota: "resourcequotas",
  LimitRange: "limitranges",
  NetworkPolicy: "networkpolicies",
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  Job: "jobs",
  PersistentVolumeClaim: "persistentvolumeclaims",
  Event: "events",
  ConfigMap: "configmaps",
  Service: "services",
};

const RESOURCE_TO_KIND = Object.fromEntries(
  Object.entries(KIND_TO_RESOURCE).map(([k, v]) => [v, k]),
);

export function statusBody(code: number, reason: string, message: string) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
}

function parseRoute(path: string): Route | null {
  const parts = path.split("/").filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1]) {
    group = "";
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts[1] && parts[2]) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return null;
  }
  if (rest[0] === "namespaces" && rest.length >= 3 && rest[2]) {
    return { group, version, resource: rest[2], namespace: rest[1], name: rest[3] };
  }
  if (rest[0]) return { group, version, resource: rest[0], name: rest[1] };
  return null;
}

function keyOf(
  group: string,
  resource: string,
  namespace: string | undefined,
  name: string,
): string {
  return `${group}|${resource}|${namespace ?? ""}|${name}`;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === "object" && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly objects = new Map<string, Obj>();
  private interceptors: Interceptor[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | null = null;
  private port = 0;

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
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server?.closeAllConnections();
  }

  /**
   * A KubeConfig pointing at this server. client-node refuses plain http://
   * unless the cluster is marked insecure-skip-tls-verify, so it is.
   */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "fake", server: this.url, skipTLSVerify: true }],
      users: [{ name: "fake-user", token: "fake-token" }],
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

  clearRequests(): void {
    this.requests.length = 0;
  }

  reset(): void {
    this.clearRequests();
    this.objects.clear();
    this.interceptors = [];
  }

  /** Seed an object (its kind decides where it lives). */
  put(obj: Obj): void {
    const resource = KIND_TO_RESOURCE[obj.kind ?? ""];
    if (!resource) throw new Error(`fake api: unknown kind ${obj.kind}`);
    const group = obj.apiVersion?.includes("/") ? (obj.apiVersion.split("/")[0] ?? "") : "";
    const ns = resource === "namespaces" ? undefined : obj.metadata.namespace;
    this.objects.set(keyOf(group, resource, ns, obj.metadata.name), structuredClone(obj));
  }

  get(
    group: string,
    resource: string,
    namespace: string | undefined,
    name: string,
  ): Obj | undefined {
    return this.objects.get(keyOf(group, resource, namespace, name));
  }

  /** Requests other than the given method+path-substring filter, for counting. */
  count(filter: (r: RecordedRequest) => boolean = () => true): number {
    return this.requests.filter(filter).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : "";
    } catch {
      /* keep raw text */
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
    };
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
    this.send(res, this.serve(recorded));
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
    const route = parseRoute(req.path);
    if (!route) return { status: 404, body: statusBody(404, "NotFound", `no route ${req.path}`) };
    const { group, resource, namespace, name } = route;
    const kind = RESOURCE_TO_KIND[resource] ?? resource;
    const apiVersion = group ? `${group}/${route.version}` : route.version;

    if (!name) {
      if (req.method === "GET") return this.list(req, route, kind, apiVersion);
      if (req.method === "POST") return this.create(req, route, kind, apiVersion);
      return { status: 405, body: statusBody(405, "MethodNotAllowed", req.method) };
    }
    const key = keyOf(group, resource, namespace, name);
    const existing = this.objects.get(key);
    switch (req.method) {
      case "GET":
        return existing
          ? { status: 200, body: existing }
          : { status: 404, body: statusBody(404, "NotFound", `${resource} "${name}" not found`) };
      case "DELETE":
        if (!existing)
          return {
            status: 404,
            body: statusBody(404, "NotFound", `${resource} "${name}" not found`),
          };
        this.objects.delete(key);
        return { status: 200, body: existing };
      case "PATCH": {
        const contentType = req.headers["content-type"] ?? "";
        if (contentType.startsWith("application/apply-patch+yaml")) {
          const applied = structuredClone(req.body) as Obj;
          applied.metadata = { ...applied.metadata, name, ...(namespace ? { namespace } : {}) };
          this.objects.set(key, applied);
          return { status: existing ? 200 : 201, body: applied };
        }
        if (!existing)
          return {
            status: 404,
            body: statusBody(404, "NotFound", `${resource} "${name}" not found`),
          };
        const merged = mergePatch(existing, req.body) as Obj;
        this.objects.set(key, merged);
        return { status: 200, body: merged };
      }
      default:
        return { status: 405, body: statusBody(405, "MethodNotAllowed", req.method) };
    }
  }

  private create(
    req: RecordedRequest,
    route: Route,
    kind: string,
    apiVersion: string,
  ): FakeResponse {
    const obj = structuredClone(req.body) as Obj;
    if (!obj?.metadata?.name)
      return { status: 422, body: statusBody(422, "Invalid", "metadata.name: Required value") };
    const key = keyOf(route.group, route.resource, route.namespace, obj.metadata.name);
    if (this.objects.has(key)) {
      return {
        status: 409,
        body: statusBody(
          409,
          "AlreadyExists",
          `${route.resource} "${obj.metadata.name}" already exists`,
        ),
      };
    }
    obj.apiVersion ??= apiVersion;
    obj.kind ??= kind;
    if (route.namespace) obj.metadata.namespace = route.namespace;
    // Like the API server: stringData is write-only and lands base64 in data.
    if (kind === "Secret" && obj.stringData && typeof obj.stringData === "object") {
      const data = (obj.data ?? {}) as Record<string, string>;
      for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) {
        data[k] = Buffer.from(v, "utf8").toString("base64");
      }
      obj.data = data;
      delete obj.stringData;
    }
    this.objects.set(key, obj);
    return { status: 201, body: obj };
  }

  private list(req: RecordedRequest, route: Route, kind: string, apiVersion: string): FakeResponse {
    const prefix = `${route.group}|${route.resource}|`;
    let labels: ReturnType<typeof labelMatcher>;
    let fields: ReturnType<typeof fieldMatcher>;
    try {
      labels = labelMatcher(req.query.labelSelector);
      fields = fieldMatcher(req.query.fieldSelector);
    } catch (error) {
      // An unparsable selector is a 400 BadRequest from the API server.
      if (error instanceof SelectorError)
        return { status: 400, body: statusBody(400, "BadRequest", error.message) };
      throw error;
    }
    const items = [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, o]) => o)
      .filter((o) => !route.namespace || o.metadata.namespace === route.namespace)
      .filter((o) => labels(o.metadata.labels) && fields(o));
    const accept = req.headers.accept ?? "";
    if (accept.includes("as=PartialObjectMetadataList")) {
      return {
        status: 200,
        headers: {
          "content-type": "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
        },
        body: {
          kind: "PartialObjectMetadataList",
          apiVersion: "meta.k8s.io/v1",
          metadata: { resourceVersion: "1" },
          items: items.map((o) => ({
            kind: "PartialObjectMetadata",
            apiVersion: "meta.k8s.io/v1",
            metadata: o.metadata,
          })),
        },
      };
    }
    return {
      status: 200,
      body: { kind: `${kind}List`, apiVersion, metadata: { resourceVersion: "1" }, items },
    };
  }
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  return new FakeApiServer().start();
}
