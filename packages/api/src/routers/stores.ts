import {
  activeRestoreForStore,
  appendStoreEvent,
  listStoreEvents,
  notifyStoreChanged,
  notifyStoreStatusChanged,
  requestStoreDeletion,
  retryFailedStore,
  type Store,
  setDeletionProtection,
  setStoreSuspended,
  storeChartHistory,
} from "@storeplane/db";
import { audit } from "../audit.ts";
import {
  ConflictError,
  DeletionProtectedError,
  ForbiddenError,
  InvalidStateError,
  storeNotFound,
} from "../errors.ts";
import {
  createStoreInput,
  listStoresInput,
  setDeletionProtectionInput,
  storeEventsInput,
  storeRefInput,
} from "../schemas/stores.ts";
import { findVisibleStore } from "../stores/access.ts";
import { readCluster, requireClusterReader } from "../stores/cluster.ts";
import { createStore } from "../stores/create.ts";
import { pageOfStores } from "../stores/list.ts";
import { type Auth, type Context, protectedProcedure, router } from "../trpc.ts";
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

  /**
   * The store's engine chart versions over time: its first version, then every
   * rollout that touched it (from → to, outcome, reason, when), oldest first.
   * Read-only, derived from the rollout rows; another owner's store is NOT_FOUND.
   */
  chartHistory: protectedProcedure.input(storeRefInput).query(async ({ ctx, input }) => {
    const store = await findVisibleStore(ctx.db, ctx.auth, input.id);
    const history = await storeChartHistory(ctx.db, store.id);
    if (!history) throw storeNotFound(input.id);
    return history;
  }),

  /**
   * Requests deletion; repeating it is harmless. The controller removes
   * everything and marks the row deleted. Refused (PRECONDITION_FAILED) while
   * the store's deletionProtection is on.
   */
  delete: protectedProcedure.input(storeRefInput).mutation(async ({ ctx, input }) => {
    const store = await ctx.db.transaction().execute(async (trx) => {
      const found = await findVisibleStore(trx, ctx.auth, input.id);
      if (found.deleted_at || found.deletion_requested_at) return found;
      const updated = await requestStoreDeletion(trx, found.id);
      if (!updated) {
        // The repository's guard is the final word (a toggle may have landed
        // since `found` was read): ask the row why it refused.
        const now = await findVisibleStore(trx, ctx.auth, found.id);
        if (now.deletion_protection) throw new DeletionProtectedError(now.name);
        const restoring = await activeRestoreForStore(trx, now.id);
        if (restoring?.status === "running") {
          throw new ConflictError(
            `delete: a ${restoring.kind} into store "${now.name}" is running (${restoring.id}); delete the store once it finished`,
          );
        }
        throw storeNotFound(input.id);
      }
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

  /**
   * Turns deletion protection on or off (owners and admins). Refused for a
   * store that is deleted or being deleted. Setting the value it already has
   * changes nothing and writes no audit entry.
   */
  setDeletionProtection: protectedProcedure
    .input(setDeletionProtectionInput)
    .mutation(async ({ ctx, input }) => {
      const store = await ctx.db.transaction().execute(async (trx) => {
        const found = await findVisibleStore(trx, ctx.auth, input.id);
        if (found.deleted_at || found.deletion_requested_at) {
          throw new InvalidStateError(
            `deletionProtection: store "${found.name}" is ${found.deleted_at ? "deleted" : "being deleted"}; it can no longer be protected`,
          );
        }
        if (found.deletion_protection === input.enabled) return found;
        const updated = await setDeletionProtection(trx, found.id, input.enabled);
        if (!updated) throw storeNotFound(input.id);
        await appendStoreEvent(trx, {
          storeId: updated.id,
          type: "Normal",
          reason: input.enabled ? "DeletionProtectionOn" : "DeletionProtectionOff",
          message: input.enabled
            ? "deletion protection turned on: delete requests are refused"
            : "deletion protection turned off: the store can be deleted",
          actor: ctx.auth.actor,
        });
        await audit(trx, ctx, {
          action: input.enabled ? "store.deletion-protection.on" : "store.deletion-protection.off",
          targetType: "store",
          targetId: updated.id,
          details: { name: updated.name },
        });
        // Dashboards showing the store refresh; nothing for the controller to
        // do, so the status channel (which it does not listen to), not the
        // desired-state one that would wake it.
        await notifyStoreStatusChanged(trx, updated.id);
        return updated;
      });
      return toStoreView(store);
    }),

  /**
   * Scales the store to zero (owners and admins): the controller upgrades its
   * release with every workload at zero replicas and a "paused" page on its
   * URL, keeping volumes, data and Secrets. A suspended store still counts
   * against the quotas. Repeating it is harmless.
   */
  suspend: protectedProcedure
    .input(storeRefInput)
    .mutation(async ({ ctx, input }) => toStoreView(await changeSuspension(ctx, input.id, true))),

  /** Brings a suspended store back: workloads scaled up again, then Ready. Repeating it is harmless. */
  resume: protectedProcedure
    .input(storeRefInput)
    .mutation(async ({ ctx, input }) => toStoreView(await changeSuspension(ctx, input.id, false))),

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

/** suspend / resume: desired state, an event, an audit entry and the controller's wake-up, in one transaction. */
async function changeSuspension(
  ctx: Context & { auth: Auth },
  ref: string,
  suspended: boolean,
): Promise<Store> {
  const verb = suspended ? "suspend" : "resume";
  return ctx.db.transaction().execute(async (trx) => {
    const found = await findVisibleStore(trx, ctx.auth, ref);
    if (found.deleted_at || found.deletion_requested_at) {
      throw new InvalidStateError(
        `${verb}: store "${found.name}" is ${found.deleted_at ? "deleted" : "being deleted"}`,
      );
    }
    if (found.suspended === suspended) return found;
    const updated = await setStoreSuspended(trx, found.id, suspended);
    if (!updated) throw storeNotFound(ref);
    await appendStoreEvent(trx, {
      storeId: updated.id,
      type: "Normal",
      reason: suspended ? "SuspendRequested" : "ResumeRequested",
      message: suspended
        ? `suspend of store "${updated.name}" requested: workloads scale to zero, data is kept`
        : `resume of store "${updated.name}" requested`,
      actor: ctx.auth.actor,
    });
    await audit(trx, ctx, {
      action: `store.${verb}`,
      targetType: "store",
      targetId: updated.id,
      details: { name: updated.name },
    });
    await notifyStoreChanged(trx, updated.id);
    return updated;
  });
}
