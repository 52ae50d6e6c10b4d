// Loaders and actions call the tRPC router in-process (no HTTP hop): one
// caller per request, authenticated by the session token from the cookie.
// The API's long-lived dependencies (database, rate limiters, cluster reader)
// are built once by the server and arrive through the load context.
import type { AppLoadContext } from "@remix-run/node";
import { createServerCaller } from "@storeplane/api";
import { getSessionToken } from "./session.server.ts";

export type Api = Awaited<ReturnType<typeof createServerCaller>>;

export async function getApi(request: Request, context: AppLoadContext): Promise<Api> {
  // The cookie is the only credential here: createServerCaller drops any
  // browser-supplied Authorization header, so it cannot switch identities
  // behind the dashboard's CSRF checks.
  return createServerCaller({
    deps: context.apiDeps,
    headers: request.headers,
    sessionToken: await getSessionToken(request),
    ip: context.ip,
    userAgent: context.userAgent,
  });
}
