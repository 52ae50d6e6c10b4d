// Creating a store: validate against the live state, enforce both quotas and
// name uniqueness under advisory locks, then write the row, its first event,
// the audit entry and the wake-up in one transaction.
import {
  appendStoreEvent,
  countLiveStores,
  type Database,
  type Engine,
  findLiveStoreByName,
  findStoreByIdempotencyKey,
  insertStore,
  lockStoreQuotas,
  notifyStoreChanged,
  type Plan,
  type Store,
  storeUrls,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import { audit } from "../audit.ts";
import { ConflictError, QuotaExceededError } from "../errors.ts";
import type { Auth, Context } from "../trpc.ts";

export interface CreateStoreCommand {
  name: string;
  engine: Engine;
  plan: Plan;
  idempotencyKey?: string | undefined;
  deletionProtection?: boolean | undefined;
}

export interface CreateStoreOptions {
  /**
   * More desired state written in the store's own transaction (a clone's
   * restore request): if it throws, the store is not created either.
   */
  alsoWrite?: (trx: Kysely<Database>, store: Store) => Promise<void>;
}

export async function createStore(
  ctx: Context & { auth: Auth },
  command: CreateStoreCommand,
  options: CreateStoreOptions = {},
): Promise<Store> {
  const owner = ctx.auth.user;
  // Fast path for a plain repeat: no lock, no write.
  if (command.idempotencyKey) {
    const existing = await findStoreByIdempotencyKey(ctx.db, {
      ownerId: owner.id,
      idempotencyKey: command.idempotencyKey,
    });
    if (existing) return sameRequestOrConflict(existing, command);
  }
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await lockStoreQuotas(trx, owner.id);
      if (command.idempotencyKey) {
        const existing = await findStoreByIdempotencyKey(trx, {
          ownerId: owner.id,
          idempotencyKey: command.idempotencyKey,
        });
        if (existing) return sameRequestOrConflict(existing, command);
      }
      if (await findLiveStoreByName(trx, command.name)) throw nameTaken(command.name);
      await enforceQuotas(trx, ctx, owner.id, owner.storeLimit);

      const store = await insertStore(trx, {
        name: command.name,
        engine: command.engine,
        plan: command.plan,
        ownerId: owner.id,
        idempotencyKey: command.idempotencyKey ?? null,
        deletionProtection: command.deletionProtection ?? false,
        ...storeUrlColumns(command, ctx.config),
      });
      await appendStoreEvent(trx, {
        storeId: store.id,
        type: "Normal",
        reason: "CreateRequested",
        message: `${command.engine} store "${command.name}" (plan ${command.plan}) requested`,
        actor: ctx.auth.actor,
      });
      await audit(trx, ctx, {
        action: "store.create",
        targetType: "store",
        targetId: store.id,
        details: {
          name: store.name,
          engine: store.engine,
          plan: store.plan,
          deletionProtection: store.deletion_protection,
        },
      });
      await options.alsoWrite?.(trx, store);
      await notifyStoreChanged(trx, store.id);
      return store;
    });
  } catch (error) {
    // The locks make these rare (e.g. a user whose own lock we did not share
    // raced on the name), but the unique indexes are the final word.
    const constraint = uniqueViolation(error);
    if (constraint === "stores_live_name_key") throw nameTaken(command.name);
    if (constraint === "stores_idempotency_key" && command.idempotencyKey) {
      const existing = await findStoreByIdempotencyKey(ctx.db, {
        ownerId: owner.id,
        idempotencyKey: command.idempotencyKey,
      });
      if (existing) return sameRequestOrConflict(existing, command);
    }
    throw error;
  }
}

async function enforceQuotas(
  trx: Kysely<Database>,
  ctx: Context,
  ownerId: string,
  storeLimit: number | null,
): Promise<void> {
  const userLimit = storeLimit ?? ctx.config.storeLimitPerUser;
  const own = await countLiveStores(trx, { ownerId });
  if (own >= userLimit) {
    throw new QuotaExceededError(`quota: you already have ${own} of ${userLimit} stores`);
  }
  const platformLimit = ctx.config.storeLimitPlatform;
  const all = await countLiveStores(trx);
  if (all >= platformLimit) {
    throw new QuotaExceededError(
      `quota: the platform is full (${all} of ${platformLimit} stores); try again later`,
    );
  }
}

function sameRequestOrConflict(existing: Store, command: CreateStoreCommand): Store {
  if (
    existing.name === command.name &&
    existing.engine === command.engine &&
    existing.plan === command.plan
  ) {
    return existing;
  }
  throw new ConflictError(
    `idempotencyKey: already used for store "${existing.name}" with different settings`,
    { idempotencyKey: [`already used for store "${existing.name}" with different settings`] },
  );
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`name: "${name}" is taken`, { name: ["is taken"] });
}

/** The constraint a unique violation (SQLSTATE 23505) hit, from pg or PGlite errors. */
function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (e?.code !== "23505") return undefined;
  if (typeof e.constraint === "string") return e.constraint;
  const match = typeof e.message === "string" ? /constraint "([^"]+)"/.exec(e.message) : null;
  return match?.[1] ?? "unknown";
}

/** The row keeps where the store answers, so lists need no configuration to show it. */
function storeUrlColumns(
  store: { name: string; engine: Engine },
  config: Pick<Context["config"], "storeUrlScheme" | "storeBaseDomain">,
): { storeUrl: string; adminUrl: string } {
  const { storeUrl, adminUrl } = storeUrls(store, {
    scheme: config.storeUrlScheme,
    baseDomain: config.storeBaseDomain,
  });
  return { storeUrl, adminUrl };
}
