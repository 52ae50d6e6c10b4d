import { beforeEach, expect, it } from "vitest";
import {
  countLiveStores,
  findLiveStoreByName,
  findStoreById,
  findStoreByIdempotencyKey,
  insertStore,
  listStores,
  lockStoreQuotas,
  requestStoreDeletion,
  retryFailedStore,
  setDeletionProtection,
} from "../src/repositories/stores.ts";
import { describeEachDatabase, describeRealPostgres, resetDatabase } from "../src/testing/index.ts";
import { insertUser } from "./helpers.ts";

const base = {
  engine: "woocommerce" as const,
  plan: "small" as const,
  storeUrl: null,
  adminUrl: null,
};

describeEachDatabase("stores repository", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("inserts a store with its spec as JSON and finds it by id, name and idempotency key", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const store = await insertStore(db, {
      ...base,
      name: "alpha",
      ownerId: owner.id,
      spec: { theme: "storefront", tags: ["a", "b"] },
      storeUrl: "http://alpha.localhost",
      adminUrl: "http://alpha.localhost/wp-admin/",
      idempotencyKey: "k-1",
    });
    expect(store).toMatchObject({
      phase: "Pending",
      generation: 1,
      spec: { theme: "storefront", tags: ["a", "b"] },
    });
    expect((await findStoreById(db, store.id))?.name).toBe("alpha");
    expect((await findLiveStoreByName(db, "alpha"))?.id).toBe(store.id);
    expect(
      (await findStoreByIdempotencyKey(db, { ownerId: owner.id, idempotencyKey: "k-1" }))?.id,
    ).toBe(store.id);
    expect(
      await findStoreByIdempotencyKey(db, { ownerId: owner.id, idempotencyKey: "k-2" }),
    ).toBeUndefined();
  });

  it("counts and lists live stores per owner and overall", async () => {
    const { db } = handle();
    const a = await insertUser(db);
    const b = await insertUser(db);
    await insertStore(db, { ...base, name: "a-1", ownerId: a.id });
    const gone = await insertStore(db, { ...base, name: "a-2", ownerId: a.id });
    await insertStore(db, { ...base, name: "b-1", ownerId: b.id });
    await db
      .updateTable("stores")
      .set({ deleted_at: new Date() })
      .where("id", "=", gone.id)
      .execute();
    expect(await countLiveStores(db, { ownerId: a.id })).toBe(1);
    expect(await countLiveStores(db)).toBe(2);
    expect((await listStores(db, { ownerId: a.id })).map((s) => s.name)).toEqual(["a-1"]);
    expect(
      (await listStores(db, { ownerId: a.id, includeDeleted: true })).map((s) => s.name).sort(),
    ).toEqual(["a-1", "a-2"]);
    expect(await findLiveStoreByName(db, "a-2")).toBeUndefined();
  });

  it("requestStoreDeletion bumps generation once per call, keeps the first request time, skips deleted stores", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const store = await insertStore(db, { ...base, name: "del", ownerId: owner.id });
    const first = await requestStoreDeletion(db, store.id);
    expect(first).toMatchObject({ phase: "Deleting", generation: 2 });
    const second = await requestStoreDeletion(db, store.id);
    expect(second?.deletion_requested_at?.getTime()).toBe(first?.deletion_requested_at?.getTime());
    await db
      .updateTable("stores")
      .set({ deleted_at: new Date() })
      .where("id", "=", store.id)
      .execute();
    expect(await requestStoreDeletion(db, store.id)).toBeUndefined();
  });

  it("requestStoreDeletion leaves a protected store untouched until protection is turned off", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const store = await insertStore(db, {
      ...base,
      name: "guarded",
      ownerId: owner.id,
      deletionProtection: true,
    });
    expect(store.deletion_protection).toBe(true);
    expect(await requestStoreDeletion(db, store.id)).toBeUndefined();
    expect(await findStoreById(db, store.id)).toMatchObject({
      phase: "Pending",
      generation: 1,
      deletion_requested_at: null,
    });

    const off = await setDeletionProtection(db, store.id, false);
    // A guard, not desired state: the controller has nothing new to do.
    expect(off).toMatchObject({ deletion_protection: false, generation: 1 });
    expect(await requestStoreDeletion(db, store.id)).toMatchObject({ phase: "Deleting" });
    // Once on its way out, the store can no longer be protected.
    expect(await setDeletionProtection(db, store.id, true)).toBeUndefined();
    expect((await findStoreById(db, store.id))?.deletion_protection).toBe(false);
  });

  it("stores start unprotected", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const store = await insertStore(db, { ...base, name: "plain", ownerId: owner.id });
    expect(store.deletion_protection).toBe(false);
  });

  it("retryFailedStore only touches Failed stores that are not being deleted", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const store = await insertStore(db, { ...base, name: "retry", ownerId: owner.id });
    expect(await retryFailedStore(db, store.id)).toBeUndefined();
    await db
      .updateTable("stores")
      .set({
        phase: "Failed",
        failure_count: 4,
        last_error: "boom",
        next_reconcile_at: new Date(Date.now() + 3600_000),
      })
      .where("id", "=", store.id)
      .execute();
    const retried = await retryFailedStore(db, store.id);
    expect(retried).toMatchObject({
      phase: "Pending",
      failure_count: 0,
      last_error: null,
      generation: 2,
    });
    expect(retried!.next_reconcile_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    await db.updateTable("stores").set({ phase: "Failed" }).where("id", "=", store.id).execute();
    await requestStoreDeletion(db, store.id);
    await db.updateTable("stores").set({ phase: "Failed" }).where("id", "=", store.id).execute();
    expect(await retryFailedStore(db, store.id)).toBeUndefined();
  });
});

describeRealPostgres("store quota locks", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("serialize check-then-insert: 20 racing transactions with a limit of 3 insert exactly 3", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const attempts = Array.from({ length: 20 }, (_, i) =>
      db.transaction().execute(async (trx) => {
        await lockStoreQuotas(trx, owner.id);
        if ((await countLiveStores(trx, { ownerId: owner.id })) >= 3) return false;
        await insertStore(trx, { ...base, name: `race-${i}`, ownerId: owner.id });
        return true;
      }),
    );
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(await countLiveStores(db, { ownerId: owner.id })).toBe(3);
  });
});
