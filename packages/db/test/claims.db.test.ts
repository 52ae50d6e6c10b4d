import { sql } from "kysely";
import { beforeEach, expect, it } from "vitest";
import { claimDueStores, releaseAllClaims } from "../src/repositories/claims.ts";
import { renewClaims } from "../src/repositories/reconcile.ts";
import { describeEachDatabase, describeRealPostgres, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

describeEachDatabase("claiming due stores", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("claims only due, unclaimed, live stores, oldest due first, up to the limit", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const stores = await insertStores(db, owner.id, 5);
    const [notDue, deleted, ...rest] = stores;
    await db
      .updateTable("stores")
      .set({ next_reconcile_at: sql`now() + interval '1 hour'` })
      .where("id", "=", notDue!.id)
      .execute();
    await db
      .updateTable("stores")
      .set({ deleted_at: new Date() })
      .where("id", "=", deleted!.id)
      .execute();

    const claimed = await claimDueStores(db, { owner: "a", limit: 2, ttlSeconds: 30 });
    expect(claimed).toHaveLength(2);
    expect(claimed.every((s) => s.claimed_by === "a")).toBe(true);
    const again = await claimDueStores(db, { owner: "b", limit: 10, ttlSeconds: 30 });
    expect(again.map((s) => s.id).sort()).toEqual(
      rest
        .map((s) => s.id)
        .filter((id) => !claimed.some((c) => c.id === id))
        .sort(),
    );
  });

  // Releasing is fenced the same way: see reconcile.db.test.ts (recordReconcileResult).
  it("an expired claim can be taken over; the old owner can then no longer renew it", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    await claimDueStores(db, { owner: "a", limit: 1, ttlSeconds: 30 });
    await db
      .updateTable("stores")
      .set({ claim_expires_at: sql`now() - interval '1 second'` })
      .execute();
    const [taken] = await claimDueStores(db, { owner: "b", limit: 1, ttlSeconds: 30 });
    expect(taken?.id).toBe(store!.id);
    const renew = (owner: string) =>
      renewClaims(db, { owner, storeIds: [store!.id], ttlSeconds: 30 });
    expect(await renew("a")).toEqual([]);
    expect(await renew("b")).toEqual([store!.id]);
  });

  it("releaseAllClaims hands everything back, due at once", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    await insertStores(db, owner.id, 3);
    await claimDueStores(db, { owner: "dying", limit: 10, ttlSeconds: 300 });
    expect(await releaseAllClaims(db, "dying")).toBe(3);
    expect(await claimDueStores(db, { owner: "other", limit: 10, ttlSeconds: 30 })).toHaveLength(3);
  });
});

describeRealPostgres("concurrent claimers", ({ handle }) => {
  it("two claimers racing over 200 stores never hold the same store at once", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    await insertStores(db, owner.id, 200, "race");
    const holdings = new Map<string, string>();
    const overlaps: string[] = [];
    const claimer = async (name: string) => {
      for (let round = 0; round < 40; round++) {
        const claimed = await claimDueStores(db, { owner: name, limit: 7, ttlSeconds: 30 });
        for (const store of claimed) {
          const holder = holdings.get(store.id);
          if (holder) overlaps.push(`${store.id} held by ${holder} and ${name}`);
          holdings.set(store.id, name);
        }
        await new Promise((r) => setTimeout(r, 1));
        for (const store of claimed) holdings.delete(store.id);
        await releaseAllClaims(db, name);
      }
    };
    await Promise.all([claimer("replica-1"), claimer("replica-2"), claimer("replica-3")]);
    expect(overlaps).toEqual([]);
  });
});
