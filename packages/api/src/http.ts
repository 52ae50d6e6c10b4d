// The HTTP face of the router, for apps/web to mount at /api/trpc. It
// authenticates only by `Authorization: Bearer` (API or session token), never
// by cookie, so cross-site requests carry no ambient credentials.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "./root.ts";
import { type ApiDeps, createContext } from "./trpc.ts";

export const TRPC_ENDPOINT = "/api/trpc";

export interface TrpcRequestInfo {
  /** The client address as the web server sees it (after its own proxy handling). */
  ip?: string | null;
}

export function createTrpcFetchHandler(deps: ApiDeps, options: { endpoint?: string } = {}) {
  const endpoint = options.endpoint ?? TRPC_ENDPOINT;
  return (request: Request, info: TrpcRequestInfo = {}): Promise<Response> =>
    fetchRequestHandler({
      endpoint,
      req: request,
      router: appRouter,
      createContext: () =>
        createContext({
          deps,
          headers: request.headers,
          ip: info.ip ?? null,
          userAgent: request.headers.get("user-agent"),
        }),
      responseMeta: () => ({ headers: new Headers({ "cache-control": "no-store" }) }),
    });
}
