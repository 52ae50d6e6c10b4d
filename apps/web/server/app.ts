// The dashboard's HTTP server, after the Epic Stack: Express in front of Remix,
// Vite as middleware in development, the built server bundle in production.
// `scripts/dev.ts` imports startWebServer so the dashboard and the controller
// share one process (and one embedded database) in `npm run dev`.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createApiDeps, isLoopbackAddress } from "@storeplane/api";
import express, { type ErrorRequestHandler } from "express";
import type { ClusterStatus, WebDeps } from "../app/utils/load-context.server.ts";
import { visitorCookieHeader, visitorIdFromCookieHeader } from "../app/utils/session.server.ts";
import { createStoreChangeHub } from "../app/utils/store-change-hub.server.ts";
import { bodyLimit, DEFAULT_BODY_LIMIT_BYTES } from "./body-limit.ts";
import { remixRequestHandler } from "./remix-handler.ts";
import { sameOriginGuard } from "./same-origin.ts";

export type { ClusterStatus, WebDeps } from "../app/utils/load-context.server.ts";

const webRoot = join(import.meta.dirname, "..");
const CLUSTER_INFO_TTL_MS = 5_000;
const CLUSTER_INFO_TIMEOUT_MS = 2_000;

export interface WebApp {
  app: express.Express;
  close(): Promise<void>;
}

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

export async function createWebApp(deps: WebDeps): Promise<WebApp> {
  const app = express();
  const logger = deps.logger.child({ component: "web" });
  const hub = createStoreChangeHub(deps.database, logger);
  const secret = deps.sessionSecret ?? randomBytes(32).toString("hex");
  const clusterStatus = cachedClusterStatus(deps);
  const apiDeps = createApiDeps({
    database: deps.database,
    clusterReader: deps.clusterReader,
    logger: deps.logger.child({ component: "api" }),
    ...(deps.apiConfig ? { config: deps.apiConfig } : {}),
  });

  app.disable("x-powered-by");
  // Behind an ingress controller the client address and scheme come from
  // X-Forwarded-*. Only the configured hops are trusted (none by default), so
  // a client cannot pick its own address (and rate-limit bucket) or scheme.
  app.set("trust proxy", deps.trustProxy ?? false);
  // Stack traces leave the server only in development, and only to loopback clients.
  const showsStacks = (req: express.Request) =>
    deps.mode === "development" && isLoopbackAddress(req.socket.remoteAddress);

  // Anonymous probes learn up or down, nothing about the database behind it.
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      await deps.database.db.selectFrom("users").select("id").limit(1).execute();
      res.json({ status: "ready" });
    } catch (error) {
      logger.warn({ err: error }, "readiness check: database unreachable");
      res.status(503).json({ status: "not ready" });
    }
  });

  // Before anything reads a body or looks at a cookie: refuse other origins,
  // then cap what is read (docs/security.md).
  app.use(sameOriginGuard({ dashboardOrigin: deps.dashboardUrl ?? null }));
  app.use(bodyLimit(deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES));

  app.use((req, res, next) => {
    // Anonymous forms (log in, sign up) need a CSRF binding before any session
    // exists: a random visitor id, set here so even the first page render has it.
    if (!visitorIdFromCookieHeader(req.headers.cookie, req.secure)) {
      const id = randomBytes(18).toString("base64url");
      const line = visitorCookieHeader(id, req.secure);
      res.append("Set-Cookie", line);
      const pair = line.slice(0, line.indexOf(";"));
      // First, so it wins over any cookie of the same name a sibling planted.
      req.headers.cookie = req.headers.cookie ? `${pair}; ${req.headers.cookie}` : pair;
    }
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "same-origin");
    res.set("X-Frame-Options", "DENY");
    if (deps.mode === "production") {
      // Only our own origin may load code or receive form posts, and no page can
      // be framed (the credentials reveal must not be clickjackable). Inline
      // scripts stay allowed because Remix inlines its hydration data; external
      // script sources and eval do not. Development skips this for Vite's HMR.
      res.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      if (req.path.startsWith("/assets/") || req.path.startsWith("/@")) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug({ method: req.method, path: req.path, status: res.statusCode, ms }, "request");
      // LOG_LEVEL=trace shows the headers too: cookies, Authorization and
      // Set-Cookie are censored by the platform's one redaction list.
      logger.trace(
        {
          req: { method: req.method, url: req.originalUrl, headers: req.headers },
          res: { status: res.statusCode, headers: res.getHeaders() },
        },
        "request headers",
      );
    });
    next();
  });

  let build: ServerBuild | (() => Promise<ServerBuild>);
  let closeVite: () => Promise<void> = async () => undefined;
  if (deps.mode === "development") {
    const vite = await import("vite");
    const devServer = await vite.createServer({
      root: webRoot,
      configFile: join(webRoot, "vite.config.ts"),
      // "error": the Remix plugin otherwise prints React Router v7 future-flag notices on every start.
      logLevel: "error",
      // HMR's WebSocket gets a free port of its own: Vite's fixed default
      // (24678) collides when several dev servers run on one machine, and the
      // browser client connects even with HMR off (and logs errors when it cannot).
      // Its socket binds where the dashboard does (127.0.0.1 unless HOST says otherwise).
      server: {
        middlewareMode: true,
        host: deps.host ?? "127.0.0.1",
        hmr: { host: deps.host ?? "127.0.0.1", port: await freePort(deps.host ?? "127.0.0.1") },
      },
    });
    app.use(devServer.middlewares);
    build = () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    closeVite = () => devServer.close();
  } else {
    app.use(
      "/assets",
      express.static(join(webRoot, "build/client/assets"), { immutable: true, maxAge: "1y" }),
    );
    app.use(express.static(join(webRoot, "build/client"), { maxAge: "1h" }));
    build = (await import(
      pathToFileURL(join(webRoot, "build/server/index.js")).href
    )) as ServerBuild;
  }

  app.all(
    "*",
    remixRequestHandler({
      build,
      mode: (req) => (showsStacks(req) ? "development" : "production"),
      getLoadContext: (req): AppLoadContext => ({
        deps,
        apiDeps,
        hub,
        secret,
        clusterStatus,
        ip: req.ip ?? null,
        userAgent: req.get("user-agent") ?? null,
      }),
    }),
  );

  // Last resort: log the error, answer without its message or stack.
  const lastResort: ErrorRequestHandler = (error, req, res, _next) => {
    logger.error({ err: error, method: req.method, path: req.path }, "request failed");
    if (res.headersSent) {
      res.end();
      return;
    }
    const stack = showsStacks(req) && error instanceof Error ? `\n\n${error.stack}` : "";
    res.status(500).type("text/plain").send(`Internal server error.${stack}`);
  };
  app.use(lastResort);

  return {
    app,
    async close() {
      await hub.close();
      await closeVite();
    },
  };
}

export interface RunningWebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebServer(deps: WebDeps): Promise<RunningWebServer> {
  const web = await createWebApp(deps);
  const server: Server = await new Promise((resolve, reject) => {
    // Loopback unless told otherwise: a development server must not answer the network.
    const listening = web.app.listen(deps.port, deps.host ?? "127.0.0.1", () => resolve(listening));
    listening.once("error", reject);
  });
  // Event streams stay open; do not let them hold shutdown forever.
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const host = deps.host ?? "127.0.0.1";
  const url = `http://${host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host}:${port}`;
  deps.logger.info({ url, mode: deps.mode }, "dashboard listening");
  return {
    url,
    port,
    async close() {
      await web.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The banner reads cluster status on every page: cache it briefly and never wait long. */
function cachedClusterStatus(deps: WebDeps): () => Promise<ClusterStatus> {
  let cached: { at: number; value: Promise<ClusterStatus> } | null = null;
  return () => {
    const now = Date.now();
    if (cached && now - cached.at < CLUSTER_INFO_TTL_MS) return cached.value;
    const value = Promise.race([
      deps.clusterInfo(),
      new Promise<ClusterStatus>((resolve) =>
        setTimeout(
          () =>
            resolve({
              mode: "kube",
              reachable: false,
              context: null,
              server: null,
              message: `no answer from the cluster within ${CLUSTER_INFO_TIMEOUT_MS / 1000} s`,
            }),
          CLUSTER_INFO_TIMEOUT_MS,
        ).unref(),
      ),
    ]).catch(
      (error: unknown): ClusterStatus => ({
        mode: "kube",
        reachable: false,
        context: null,
        server: null,
        message: (error as Error).message,
      }),
    );
    cached = { at: now, value };
    return value;
  };
}
