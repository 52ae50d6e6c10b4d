// The API package's public surface, for server-side composition (apps/web,
// apps/dev). Scripts use "@storeplane/api/client"; forms use
// "@storeplane/api/schemas". By name, only what other packages use
// (scripts/public-surface.ts lists them); one name per line.
export type { ClusterReader } from "./cluster-reader.ts";
export {
  type ApiConfig,
  readApiConfig,
} from "./env.ts";
export { createTrpcFetchHandler } from "./http.ts";
export { createServerCaller } from "./root.ts";
export { isLoopbackAddress } from "./security/loopback.ts";
export {
  type ApiDeps,
  createApiDeps,
} from "./trpc.ts";
