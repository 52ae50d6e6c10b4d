import { sql } from "kysely";
import { beforeEach, expect, it } from "vitest";
import { migrateToLatest } from "../src/migrate.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

describeEachDatabase("schema and migrations", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("running migrations again is a no-op", async () => {
    expect(await migrateToLatest(handle().db)).toEqual([]);
  });

  it("a live store name is unique, and free again once the store is deleted", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const values = {
      name: "acme",
      engine: "medusa" as const,
      plan: "small" as const,
      owner_id: owner.id,
    };
    const first = await db
      .insertInto("stores")
      .values(values)
      .returningAll()
      .executeTakeFirstOrThrow();
    await expect(db.insertInto("stores").values(values).execute()).rejects.toThrow(
      /stores_live_name_key|duplicate/,
    );
    await db
      .updateTable("stores")
      .set({ deleted_at: new Date() })
      .where("id", "=", first.id)
      .execute();
    await expect(db.insertInto("stores").values(values).execute()).resolves.toBeDefined();
  });

  it("user emails are unique regardless of case", async () => {
    const { db } = handle();
    await db
      .insertInto("users")
      .values({ email: "Ada@Example.test", password_hash: "x", role: "member" })
      .execute();
    await expect(
      db
        .insertInto("users")
        .values({ email: "ada@example.test", password_hash: "x", role: "member" })
        .execute(),
    ).rejects.toThrow();
  });

  it("rejects an engine outside the fixed list at the database too", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    await expect(
      sql`insert into stores (name, engine, plan, owner_id) values ('x1', 'magento', 'small', ${owner.id})`.execute(
        db,
      ),
    ).rejects.toThrow();
  });

  it("stores default to Pending, generation 1, due now, with empty conditions", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    expect(store).toMatchObject({
      phase: "Pending",
      generation: 1,
      observed_generation: 0,
      conditions: [],
      failure_count: 0,
    });
    expect(store?.next_reconcile_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
