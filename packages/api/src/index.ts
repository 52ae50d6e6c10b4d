// The API package's public surface. Scripts use "@storeplane/api/client"
// (types only from here); the dashboard imports this module server-side.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export type {
  ClusterInfo,
  ClusterReader,
  StoreCredentials,
  StoreResources,
} from "./cluster-reader.ts";
export { type ApiConfig, readApiConfig } from "./env.ts";
export * from "./errors.ts";
export {
  createTrpcFetchHandler,
  MAX_BATCH_SIZE,
  TRPC_ENDPOINT,
  type TrpcRequestInfo,
} from "./http.ts";
export { createLogger, type Logger } from "./logger.ts";
export { type AppRouter, appRouter, createCaller, createServerCaller } from "./root.ts";
export { isLoopbackAddress } from "./security/loopback.ts";
export {
  type ApiDeps,
  type Auth,
  type Context,
  type CreateContextOptions,
  createApiDeps,
  createContext,
  createContextInner,
  getFieldErrors,
} from "./trpc.ts";
export type { PublicUser, SessionView, StoreEventView, StoreView, TokenView } from "./views.ts";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
