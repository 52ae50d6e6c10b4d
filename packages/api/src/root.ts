import { adminRouter } from "./routers/admin.ts";
import { authRouter } from "./routers/auth.ts";
import { backupsRouter } from "./routers/backups.ts";
import { healthRouter } from "./routers/health.ts";
import { storesRouter } from "./routers/stores.ts";
import { tokensRouter } from "./routers/tokens.ts";
import { type CreateContextOptions, createCallerFactory, createContext, router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  tokens: tokensRouter,
  stores: storesRouter,
  backups: backupsRouter,
  health: healthRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

/** In-process calls: `createCaller(await createContext(...)).stores.list()`. */
export const createCaller = createCallerFactory(appRouter);

/**
 * A caller for one server-side dashboard request (Remix loaders and actions):
 * authenticated by the session token from the dashboard's cookie only. Any
 * Authorization header is dropped, so a browser cannot switch identities
 * behind the dashboard's CSRF checks.
 */
export async function createServerCaller(
  options: Omit<CreateContextOptions, "headers"> & { headers?: CreateContextOptions["headers"] },
) {
  const headers = new Headers();
  const userAgent =
    options.headers instanceof Headers
      ? options.headers.get("user-agent")
      : (options.headers?.["user-agent"] as string | undefined);
  if (userAgent) headers.set("user-agent", userAgent);
  return createCaller(await createContext({ ...options, headers }));
}
