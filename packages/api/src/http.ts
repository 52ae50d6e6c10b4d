// The HTTP face of the router, for apps/web to mount at /api/trpc. It
// authenticates only by `Authorization: Bearer` (API or session token), never
// by cookie, so cross-site requests carry no ambient credentials.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { RateLimitedError } from "./errors.ts";
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
      responseMeta: ({ errors }) => {
        const headers = new Headers({ "cache-control": "no-store" });
        const retryAfter = Math.max(
          0,
          ...errors.map((error) =>
            error.cause instanceof RateLimitedError ? error.cause.retryAfterSeconds : 0,
          ),
        );
        if (retryAfter > 0) headers.set("retry-after", String(retryAfter));
        return { headers };
      },
      onError: ({ error, path, ctx }) => {
        // With a context the procedure middleware has logged it already; without
        // one the request failed while authenticating (e.g. database down).
        if (!ctx) deps.logger.error({ path, err: error.cause ?? error }, "request failed");
      },
    });
}
