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
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createApiDeps } from "@storeplane/api";
import express from "express";
import type { ClusterStatus, WebDeps } from "../app/utils/load-context.server.ts";
import { createStoreChangeHub } from "../app/utils/store-change-hub.server.ts";

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
  // X-Forwarded-*; trust only private-network hops so clients cannot spoof them.
  app.set("trust proxy", deps.trustProxy ?? "loopback, linklocal, uniquelocal");

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      await deps.database.db.selectFrom("users").select("id").limit(1).execute();
      res.json({ status: "ready", database: deps.database.description });
    } catch (error) {
      res.status(503).json({ status: "not ready", error: (error as Error).message });
    }
  });

  app.use((req, res, next) => {
    // Anonymous forms (log in, sign up) need a CSRF binding before any session
    // exists: a random visitor id, set here so even the first page render has it.
    if (!/(?:^|;\s*)sp_visitor=/.test(req.headers.cookie ?? "")) {
      const id = randomBytes(18).toString("base64url");
      const secure = req.secure ? "; Secure" : "";
      res.append(
        "Set-Cookie",
        `sp_visitor=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400${secure}`,
      );
      req.headers.cookie = req.headers.cookie
        ? `${req.headers.cookie}; sp_visitor=${id}`
        : `sp_visitor=${id}`;
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
      server: { middlewareMode: true, hmr: { port: await freePort() } },
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
    createRequestHandler({
      build,
      mode: deps.mode,
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
    const listening = web.app.listen(deps.port, () => resolve(listening));
    listening.once("error", reject);
  });
  // Event streams stay open; do not let them hold shutdown forever.
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
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
