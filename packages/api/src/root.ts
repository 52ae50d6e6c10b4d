import { adminRouter } from "./routers/admin.ts";
import { authRouter } from "./routers/auth.ts";
import { healthRouter } from "./routers/health.ts";
import { storesRouter } from "./routers/stores.ts";
import { tokensRouter } from "./routers/tokens.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  tokens: tokensRouter,
  stores: storesRouter,
  health: healthRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

/** In-process calls: `createCaller(await createContext(...)).stores.list()`. */
export const createCaller = createCallerFactory(appRouter);
