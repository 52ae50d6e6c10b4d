// The HTTP face of the router, for apps/web to mount at /api/trpc. It
// authenticates only by `Authorization: Bearer` (API or session token), never
// by cookie, so cross-site requests carry no ambient credentials.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { RateLimitedError } from "./errors.ts";
import { appRouter } from "./root.ts";
import { type ApiDeps, createContext } from "./trpc.ts";

export const TRPC_ENDPOINT = "/api/trpc";
/** Calls one HTTP request may batch; more are refused before any runs. */
export const MAX_BATCH_SIZE = 50;

export interface TrpcRequestInfo {
  /** The client address as the web server sees it (after its own proxy handling). */
  ip?: string | null;
}

/** A 400 naming the limit when a batch is larger than `max`; null when it is within it. */
export function refuseOversizedBatch(
  request: Request,
  endpoint: string,
  max: number,
): Response | null {
  const url = new URL(request.url);
  if (url.searchParams.get("batch") !== "1") return null;
  const calls = url.pathname.slice(endpoint.length + 1).split(",").length;
  if (calls <= max) return null;
  const message = `batch too large: ${calls} calls in one request; the limit is ${max}`;
  return Response.json(
    { error: { message, code: -32600, data: { code: "BAD_REQUEST", httpStatus: 400 } } },
    { status: 400, headers: { "cache-control": "no-store" } },
  );
}

export function createTrpcFetchHandler(
  deps: ApiDeps,
  options: { endpoint?: string; maxBatchSize?: number } = {},
) {
  const endpoint = options.endpoint ?? TRPC_ENDPOINT;
  const maxBatchSize = options.maxBatchSize ?? MAX_BATCH_SIZE;
  return async (request: Request, info: TrpcRequestInfo = {}): Promise<Response> =>
    refuseOversizedBatch(request, endpoint, maxBatchSize) ??
    fetchRequestHandler({
      endpoint,
      req: request,
      router: appRouter,
      // The check above answers first and names the limit; this is tRPC's own backstop.
      maxBatchSize,
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
