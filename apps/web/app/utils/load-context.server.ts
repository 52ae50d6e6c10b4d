// What the Express server hands to every loader and action. The server builds
// it once per process (database, cluster reader, the store-change hub) and adds
// the per-request facts (client IP).
import type { ApiConfig, ApiDeps, ClusterReader } from "@storeplane/api";
import type { DatabaseHandle } from "@storeplane/db";
import type { ClusterMode } from "@storeplane/k8s";
import type { Logger } from "pino";
import type { StoreChangeHub } from "./store-change-hub.server.ts";

export interface ClusterStatus {
  mode: ClusterMode;
  reachable: boolean;
  context: string | null;
  server: string | null;
  message: string;
}

export interface WebDeps {
  database: DatabaseHandle;
  /** Read-only cluster access for pods and credentials; null when no cluster is connected. */
  clusterReader: ClusterReader | null;
  clusterInfo(): Promise<ClusterStatus>;
  logger: Logger;
  mode: "development" | "production";
  port: number;
  /** Secret for CSRF tokens and cookie signing; random per process when absent. */
  sessionSecret?: string;
  /** Express "trust proxy": which hops may set X-Forwarded-For/-Proto (default: none). */
  trustProxy?: string | boolean;
  /** Interface to listen on (default 127.0.0.1; the image sets 0.0.0.0). */
  host?: string;
  /** The dashboard's public URL; its origin is the only one allowed to post. Derived from each request when absent. */
  dashboardUrl?: string;
  /** Largest request body read, in bytes (default 1 MB). */
  bodyLimitBytes?: number;
  /** The API's configuration (limits, store domain); read from the environment when absent. */
  apiConfig?: ApiConfig;
}

export interface WebLoadContext {
  deps: WebDeps;
  apiDeps: ApiDeps;
  hub: StoreChangeHub;
  secret: string;
  clusterStatus(): Promise<ClusterStatus>;
  ip: string | null;
  userAgent: string | null;
}

declare module "@remix-run/node" {
  interface AppLoadContext extends WebLoadContext {}
}
