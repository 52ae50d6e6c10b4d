import { listStores, listUsers } from "@storeplane/db";
import { adminProcedure, router } from "../trpc.ts";
import { toPublicUser, toStoreView } from "../views.ts";

export const adminRouter = router({
  users: adminProcedure.query(async ({ ctx }) => {
    const [users, stores] = await Promise.all([listUsers(ctx.db), listStores(ctx.db)]);
    return users.map((user) => ({
      ...toPublicUser(user),
      liveStores: stores.filter((store) => store.owner_id === user.id).length,
    }));
  }),

  stores: adminProcedure.query(async ({ ctx }) => {
    const [stores, users] = await Promise.all([
      listStores(ctx.db, { includeDeleted: true }),
      listUsers(ctx.db),
    ]);
    const emails = new Map(users.map((user) => [user.id, user.email]));
    return stores.map((store) => ({
      ...toStoreView(store),
      ownerEmail: emails.get(store.owner_id) ?? null,
    }));
  }),
});
