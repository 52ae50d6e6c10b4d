import { countLiveStoresByOwner, findUserEmails, listUsersPage } from "@storeplane/db";
import { encodeCursor, PAGE_LIMIT_DEFAULT } from "../schemas/pages.ts";
import { adminListStoresInput, adminListUsersInput } from "../schemas/stores.ts";
import { pageOfStores } from "../stores/list.ts";
import { adminProcedure, router } from "../trpc.ts";
import { toPublicUser, toStoreView } from "../views.ts";

export const adminRouter = router({
  /** A page of users in the order they joined, each with their live store count. */
  users: adminProcedure.input(adminListUsersInput).query(async ({ ctx, input }) => {
    const limit = input.limit ?? PAGE_LIMIT_DEFAULT;
    const page = await listUsersPage(ctx.db, {
      emailPrefix: input.emailPrefix,
      after: input.cursor,
      limit,
    });
    const counts = await countLiveStoresByOwner(
      ctx.db,
      page.items.map((user) => user.id),
    );
    return {
      items: page.items.map((user) => ({
        ...toPublicUser(user),
        liveStores: counts.get(user.id) ?? 0,
      })),
      total: page.total,
      nextCursor: page.nextAfter ? encodeCursor(page.nextAfter) : null,
      limit,
    };
  }),

  /** A page of every user's stores (finished deletions included by default), with owners' emails. */
  stores: adminProcedure.input(adminListStoresInput).query(async ({ ctx, input }) => {
    return pageOfStores(
      ctx.db,
      {
        owner: input.owner,
        includeDeleted: input.includeDeleted,
        engine: input.engine,
        phase: input.phase,
        namePrefix: input.namePrefix,
        after: input.cursor,
        limit: input.limit,
      },
      async (stores) => {
        const emails = await findUserEmails(ctx.db, [
          ...new Set(stores.map((store) => store.owner_id)),
        ]);
        return stores.map((store) => ({
          ...toStoreView(store),
          ownerEmail: emails.get(store.owner_id) ?? null,
        }));
      },
    );
  }),
});
