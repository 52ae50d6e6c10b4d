import { sql } from "kysely";
import { publicProcedure, router } from "../trpc.ts";

export const healthRouter = router({
  /** Liveness of the pieces the API depends on; never throws for a down dependency. */
  check: publicProcedure.query(async ({ ctx }) => {
    const database = await sql`select 1 as ok`
      .execute(ctx.db)
      .then(() => ({ reachable: true, kind: ctx.dbKind, error: null as string | null }))
      .catch((error: unknown) => ({
        reachable: false,
        kind: ctx.dbKind,
        error: error instanceof Error ? error.message : String(error),
      }));
    const cluster = ctx.clusterReader
      ? await ctx.clusterReader
          .info()
          .then((info) => ({ connected: info.reachable, info, message: info.message }))
          .catch((error: unknown) => ({
            connected: false,
            info: null,
            message: `unreachable: ${error instanceof Error ? error.message : String(error)}`,
          }))
      : {
          connected: false,
          info: null,
          message: "cluster not connected: no cluster reader configured",
        };
    // Anonymous callers learn up or down only: database errors and cluster
    // addresses are for signed-in admins (docs/security.md).
    if (ctx.auth?.user.role !== "admin") return { ok: database.reachable };
    return { ok: database.reachable, database, cluster };
  }),
});
