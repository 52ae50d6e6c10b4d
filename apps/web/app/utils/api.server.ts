// Loaders and actions call the tRPC router in-process (no HTTP hop): one
// caller per request, authenticated by the session token from the cookie.
// The API's long-lived dependencies (database, rate limiters, cluster reader)
// are built once by the server and arrive through the load context.
import type { AppLoadContext } from "@remix-run/node";
import { createCaller, createContext } from "@storeplane/api";
import { getSessionToken } from "./session.server.ts";

export type Api = ReturnType<typeof createCaller>;

export async function getApi(request: Request, context: AppLoadContext): Promise<Api> {
  const sessionToken = await getSessionToken(request);
  // The cookie is the only credential here: a browser-supplied Authorization
  // header must not switch identities behind the dashboard's CSRF checks.
  const headers = new Headers(request.headers);
  headers.delete("authorization");
  const ctx = await createContext({
    deps: context.apiDeps,
    headers,
    sessionToken,
    ip: context.ip,
    userAgent: context.userAgent,
  });
  return createCaller(ctx);
}
