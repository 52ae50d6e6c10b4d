// Desired state of stores as the API writes it. The controller owns status
// (phase, conditions, observed_generation); these functions only change what a
// user asked for, and bump `generation` when they do.
import { type Kysely, sql } from "kysely";
import type { Engine, Plan } from "../domain.ts";
import type { Database, Store, StoreSpec } from "../schema.ts";

const QUOTA_LOCK_CLASS = 4_202;
const PLATFORM_LOCK_KEY = 0;

/**
 * Serializes store creation for the rest of the transaction: per owner, then
 * platform-wide (always in this order, so two transactions never wait on each
 * other crosswise). Counting and inserting under these locks makes both quotas
 * hold under any concurrency; transaction-level advisory locks release on
 * commit or rollback and work on PGlite too.
 */
export async function lockStoreQuotas(trx: Kysely<Database>, ownerId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${QUOTA_LOCK_CLASS}, hashtext(${ownerId}))`.execute(trx);
  await sql`select pg_advisory_xact_lock(${QUOTA_LOCK_CLASS + 1}, ${PLATFORM_LOCK_KEY})`.execute(
    trx,
  );
}

/** Stores that still count against quotas: everything not yet marked deleted. */
export async function countLiveStores(
  db: Kysely<Database>,
  filter: { ownerId?: string } = {},
): Promise<number> {
  let query = db
    .selectFrom("stores")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("deleted_at", "is", null);
  if (filter.ownerId) query = query.where("owner_id", "=", filter.ownerId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}

export interface InsertStoreInput {
  name: string;
  engine: Engine;
  plan: Plan;
  ownerId: string;
  spec?: StoreSpec;
  storeUrl: string | null;
  adminUrl: string | null;
  idempotencyKey?: string | null;
  /** Refuse deletion requests until turned off (default off). */
  deletionProtection?: boolean;
}

export async function insertStore(db: Kysely<Database>, input: InsertStoreInput): Promise<Store> {
  return db
    .insertInto("stores")
    .values({
      name: input.name,
      engine: input.engine,
      plan: input.plan,
      owner_id: input.ownerId,
      spec: JSON.stringify(input.spec ?? {}),
      store_url: input.storeUrl,
      admin_url: input.adminUrl,
      idempotency_key: input.idempotencyKey ?? null,
      deletion_protection: input.deletionProtection ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findStoreById(db: Kysely<Database>, id: string): Promise<Store | undefined> {
  return db.selectFrom("stores").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The live store (not yet marked deleted) holding this name, if any. */
export async function findLiveStoreByName(
  db: Kysely<Database>,
  name: string,
): Promise<Store | undefined> {
  return db
    .selectFrom("stores")
    .selectAll()
    .where("name", "=", name)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export async function findStoreByIdempotencyKey(
  db: Kysely<Database>,
  input: { ownerId: string; idempotencyKey: string },
): Promise<Store | undefined> {
  return db
    .selectFrom("stores")
    .selectAll()
    .where("owner_id", "=", input.ownerId)
    .where("idempotency_key", "=", input.idempotencyKey)
    .executeTakeFirst();
}

export interface ListStoresFilter {
  /** Only this owner's stores; all owners when absent. */
  ownerId?: string;
  /** Include stores the controller has finished deleting. */
  includeDeleted?: boolean;
  limit?: number;
}

/** Newest first. */
export async function listStores(
  db: Kysely<Database>,
  filter: ListStoresFilter = {},
): Promise<Store[]> {
  let query = db.selectFrom("stores").selectAll();
  if (filter.ownerId) query = query.where("owner_id", "=", filter.ownerId);
  if (!filter.includeDeleted) query = query.where("deleted_at", "is", null);
  return query
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit ?? 500)
    .execute();
}

/**
 * Records a deletion request: the controller sees the bumped generation (and
 * the NOTIFY the caller sends) and tears the store down. A repeat request
 * keeps the first request's time. A store with deletion protection on is left
 * alone (undefined, as for a deleted one): the guard sits in this one
 * statement so that every path to a deletion (the API, any admin or bulk
 * action) honours it, and a concurrent toggle cannot slip between a check and
 * the write. The same holds for a restore running into the store (refused:
 * undefined); a restore still only requested is failed instead.
 */
export async function requestStoreDeletion(
  db: Kysely<Database>,
  id: string,
): Promise<Store | undefined> {
  const store = await db
    .updateTable("stores")
    .set({
      deletion_requested_at: sql`coalesce(deletion_requested_at, now())`,
      generation: sql`generation + 1`,
      phase: "Deleting",
      next_reconcile_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .where("deletion_protection", "=", false)
    // Never mid-restore: the restore Job is replacing the data and the app is
    // scaled to zero; deleting then would strand both. The API says why.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("store_restores")
            .select("store_restores.id")
            .whereRef("store_restores.target_store_id", "=", "stores.id")
            .where("store_restores.status", "=", "running"),
        ),
      ),
    )
    .returningAll()
    .executeTakeFirst();
  if (store) {
    // A restore or clone that has not started yet (a clone still provisioning)
    // will never run: it fails now, with the reason, rather than block the deletion.
    await db
      .updateTable("store_restores")
      .set({
        status: "failed",
        error: `store ${store.name} was deleted before the restore started`,
        finished_at: sql`now()`,
        updated_at: sql`now()`,
      })
      .where("target_store_id", "=", store.id)
      .where("status", "=", "requested")
      .execute();
  }
  return store;
}

/**
 * Turns deletion protection on or off for a live store that is not being
 * deleted (protecting a store already on its way out would promise something
 * the controller is no longer able to keep). Undefined when the store does not
 * qualify. Not desired state: `generation` stays, the controller has nothing to do.
 */
export async function setDeletionProtection(
  db: Kysely<Database>,
  id: string,
  enabled: boolean,
): Promise<Store | undefined> {
  return db
    .updateTable("stores")
    .set({ deletion_protection: enabled, updated_at: sql`now()` })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .where("deletion_requested_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Suspends or resumes a live store that is not being deleted: desired state,
 * so `generation` is bumped and the store is due now. Undefined when the store
 * does not qualify or already is as asked (nothing written).
 */
export async function setStoreSuspended(
  db: Kysely<Database>,
  id: string,
  suspended: boolean,
): Promise<Store | undefined> {
  return db
    .updateTable("stores")
    .set({
      suspended,
      generation: sql`generation + 1`,
      next_reconcile_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where("id", "=", id)
    .where("suspended", "=", !suspended)
    .where("deleted_at", "is", null)
    .where("deletion_requested_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * A manual retry of a Failed store: clears the backoff state and makes it due
 * now. Only a store that is Failed and not being deleted qualifies; undefined
 * otherwise (the row is left alone).
 */
export async function retryFailedStore(
  db: Kysely<Database>,
  id: string,
): Promise<Store | undefined> {
  return db
    .updateTable("stores")
    .set({
      failure_count: 0,
      last_error: null,
      generation: sql`generation + 1`,
      phase: "Pending",
      next_reconcile_at: sql`now()`,
      updated_at: sql`now()`,
    })
    .where("id", "=", id)
    .where("phase", "=", "Failed")
    .where("deletion_requested_at", "is", null)
    .where("deleted_at", "is", null)
    .returningAll()
    .executeTakeFirst();
}
