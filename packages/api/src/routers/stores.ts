import {
  appendStoreEvent,
  listStoreEvents,
  notifyStoreChanged,
  requestStoreDeletion,
  retryFailedStore,
} from "@storeplane/db";
import { audit } from "../audit.ts";
import { ForbiddenError, InvalidStateError, storeNotFound } from "../errors.ts";
import {
  createStoreInput,
  listStoresInput,
  storeEventsInput,
  storeRefInput,
} from "../schemas/stores.ts";
import { findVisibleStore } from "../stores/access.ts";
import { readCluster, requireClusterReader } from "../stores/cluster.ts";
import { createStore } from "../stores/create.ts";
import { pageOfStores } from "../stores/list.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { toEventView, toStoreView } from "../views.ts";

export const storesRouter = router({
  /** Records the desired store and returns at once; the controller provisions it. */
  create: protectedProcedure.input(createStoreInput).mutation(async ({ ctx, input }) => {
    const store = await createStore(ctx, input);
    return toStoreView(store);
  }),

  /**
   * A page of the caller's stores, newest first, with filters and the total;
   * `all: true` or `owner` (admins only) reach other users' stores. Pass
   * `nextCursor` back as `cursor` for the next page.
   */
  list: protectedProcedure.input(listStoresInput).query(async ({ ctx, input }) => {
    const isAdmin = ctx.auth.user.role === "admin";
    if (input.all && !isAdmin) {
      throw new ForbiddenError("all: only admins may list every user's stores");
    }
    if (input.owner !== undefined && !isAdmin) {
      throw new ForbiddenError("owner: only admins may list another user's stores");
    }
    const everyone = isAdmin && (input.all || input.owner !== undefined);
    return pageOfStores(
      ctx.db,
      {
        ...(everyone ? { owner: input.owner } : { ownerId: ctx.auth.user.id }),
        includeDeleted: input.includeDeleted ?? false,
        engine: input.engine,
        phase: input.phase,
        namePrefix: input.namePrefix,
        after: input.cursor,
        limit: input.limit,
      },
      (stores) => stores.map(toStoreView),
    );
  }),

  /** By id or by name. */
  get: protectedProcedure.input(storeRefInput).query(async ({ ctx, input }) => {
    return toStoreView(await findVisibleStore(ctx.db, ctx.auth, input.id));
  }),

  /** Requests deletion; repeating it is harmless. The controller removes everything and marks the row deleted. */
  delete: protectedProcedure.input(storeRefInput).mutation(async ({ ctx, input }) => {
    const store = await ctx.db.transaction().execute(async (trx) => {
      const found = await findVisibleStore(trx, ctx.auth, input.id);
      if (found.deleted_at || found.deletion_requested_at) return found;
      const updated = await requestStoreDeletion(trx, found.id);
      if (!updated) throw storeNotFound(input.id);
      await appendStoreEvent(trx, {
        storeId: updated.id,
        type: "Normal",
        reason: "DeleteRequested",
        message: `deletion of store "${updated.name}" requested`,
        actor: ctx.auth.actor,
      });
      await audit(trx, ctx, {
        action: "store.delete",
        targetType: "store",
        targetId: updated.id,
        details: { name: updated.name },
      });
      await notifyStoreChanged(trx, updated.id);
      return updated;
    });
    return toStoreView(store);
  }),

  /** Only for Failed stores: clears the backoff and makes the controller try again now. */
  retry: protectedProcedure.input(storeRefInput).mutation(async ({ ctx, input }) => {
    const store = await ctx.db.transaction().execute(async (trx) => {
      const found = await findVisibleStore(trx, ctx.auth, input.id);
      const updated = await retryFailedStore(trx, found.id);
      if (!updated) {
        const state = found.deleted_at
          ? "deleted"
          : found.deletion_requested_at
            ? "being deleted"
            : found.phase;
        throw new InvalidStateError(
          `retry: store "${found.name}" is ${state}; only Failed stores can be retried`,
        );
      }
      await appendStoreEvent(trx, {
        storeId: updated.id,
        type: "Normal",
        reason: "RetryRequested",
        message: `retry requested after ${found.failure_count} failed attempts${found.last_error ? ` (last error: ${found.last_error})` : ""}`,
        actor: ctx.auth.actor,
      });
      await audit(trx, ctx, {
        action: "store.retry",
        targetType: "store",
        targetId: updated.id,
        details: { name: updated.name, failureCount: found.failure_count },
      });
      await notifyStoreChanged(trx, updated.id);
      return updated;
    });
    return toStoreView(store);
  }),

  /** Newest first; `afterId` returns only newer events (live tails). */
  events: protectedProcedure.input(storeEventsInput).query(async ({ ctx, input }) => {
    const store = await findVisibleStore(ctx.db, ctx.auth, input.id);
    const events = await listStoreEvents(ctx.db, store.id, {
      ...(input.afterId ? { afterId: input.afterId } : {}),
      limit: input.limit ?? 100,
    });
    return events.map(toEventView);
  }),

  /**
   * The store admin's login, read from the store's Secret through the cluster
   * reader. A mutation: it reveals a secret (never cached, never in a URL) and
   * every reveal is audited.
   */
  credentials: protectedProcedure.input(storeRefInput).mutation(async ({ ctx, input }) => {
    const store = await findVisibleStore(ctx.db, ctx.auth, input.id);
    // A deleted store's Secret went with its namespace: say so, rather than
    // "not created yet", and do not ask the cluster.
    if (store.deleted_at) {
      throw new InvalidStateError(
        `credentials: store "${store.name}" is deleted; its Secret was removed with its namespace`,
      );
    }
    const reader = requireClusterReader(ctx.clusterReader);
    const credentials = await readCluster("reading the store's credentials", () =>
      reader.credentials(store.name),
    );
    if (!credentials) {
      throw new InvalidStateError(
        store.deletion_requested_at
          ? `credentials: store "${store.name}" is being deleted; its Secret is gone with its namespace`
          : `credentials: store "${store.name}" has no credentials yet (its Secret is created while provisioning)`,
      );
    }
    await ctx.db.transaction().execute(async (trx) => {
      await audit(trx, ctx, {
        action: "store.credentials.reveal",
        targetType: "store",
        targetId: store.id,
        details: { name: store.name },
      });
    });
    return {
      storeId: store.id,
      name: store.name,
      adminUrl: credentials.adminUrl ?? store.admin_url,
      username: credentials.username,
      password: credentials.password,
      email: credentials.email ?? null,
    };
  }),

  /** Live pods, workloads and jobs with human-readable problems. */
  resources: protectedProcedure.input(storeRefInput).query(async ({ ctx, input }) => {
    const store = await findVisibleStore(ctx.db, ctx.auth, input.id);
    const reader = requireClusterReader(ctx.clusterReader);
    const resources = await readCluster("reading the store's resources", () =>
      reader.resources(store.name),
    );
    return { storeId: store.id, name: store.name, ...resources };
  }),
});
