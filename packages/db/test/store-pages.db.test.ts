import { sql } from "kysely";
import { beforeEach, expect, it } from "vitest";
import {
  countLiveStoresByOwner,
  findUserEmails,
  likePrefix,
  listStoresPage,
  listUsersPage,
} from "../src/repositories/store-pages.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertUser } from "./helpers.ts";

describeEachDatabase("paginated store and user lists", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  /** Stores with distinct names; several share one created_at to exercise the id tiebreak. */
  async function seed() {
    const { db } = handle();
    const alice = await insertUser(db);
    const bob = await insertUser(db);
    const sameInstant = "2026-12-01T10:00:00.123456Z";
    const rows = Array.from({ length: 23 }, (_, i) => ({
      name: `${i % 2 === 0 ? "blue" : "red"}-${String(i).padStart(2, "0")}`,
      engine: i % 3 === 0 ? ("medusa" as const) : ("woocommerce" as const),
      plan: "small" as const,
      owner_id: i < 15 ? alice.id : bob.id,
      phase: i % 4 === 0 ? ("Ready" as const) : ("Pending" as const),
      // Microsecond-distinct times, plus five rows at exactly one instant.
      created_at:
        i >= 5 && i < 10 ? sameInstant : `2026-12-01T09:00:00.${String(i).padStart(6, "0")}Z`,
    }));
    await db.insertInto("stores").values(rows).execute();
    // One finished deletion: hidden unless includeDeleted.
    await db
      .updateTable("stores")
      .set({ deleted_at: new Date(), phase: "Deleted" })
      .where("name", "=", "red-21")
      .execute();
    return { alice, bob };
  }

  /** The full expected order straight from SQL, to compare pages against. */
  async function expectedOrder(where = sql`true`): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      select name from stores where ${where} order by created_at desc, id desc`.execute(
      handle().db,
    );
    return rows.map((row) => row.name);
  }

  async function pageThrough(filter: Parameters<typeof listStoresPage>[1]) {
    const names: string[] = [];
    const totals = new Set<number>();
    let after: string | undefined;
    for (let guard = 0; guard < 50; guard++) {
      const page = await listStoresPage(handle().db, { ...filter, after });
      expect(page.items.length).toBeLessThanOrEqual(filter.limit);
      names.push(...page.items.map((store) => store.name));
      totals.add(page.total);
      if (!page.nextAfter) break;
      after = page.nextAfter;
    }
    return { names, totals: [...totals] };
  }

  it("pages through every live store once, newest first, ids breaking ties at one instant", async () => {
    await seed();
    const expected = await expectedOrder(sql`deleted_at is null`);
    expect(expected).toHaveLength(22);
    const { names, totals } = await pageThrough({ limit: 4 });
    expect(names).toEqual(expected);
    expect(totals).toEqual([22]);
  });

  it("a page of exactly the remaining rows says there is no next page", async () => {
    await seed();
    const first = await listStoresPage(handle().db, { limit: 22 });
    expect(first.items).toHaveLength(22);
    expect(first.nextAfter).toBeNull();
    const short = await listStoresPage(handle().db, { limit: 21 });
    expect(short.nextAfter).toBe(short.items[20]?.id);
  });

  it("filters by owner, engine, phase and name prefix, with totals for the filter", async () => {
    const { alice, bob } = await seed();
    const db = handle().db;
    const byOwner = await pageThrough({ ownerId: bob.id, limit: 3 });
    expect(byOwner.names).toEqual(
      await expectedOrder(sql`owner_id = ${bob.id} and deleted_at is null`),
    );
    expect(byOwner.totals).toEqual([7]);

    const medusa = await pageThrough({ engine: "medusa", limit: 2 });
    expect(medusa.names).toEqual(
      await expectedOrder(sql`engine = 'medusa' and deleted_at is null`),
    );

    const ready = await listStoresPage(db, { ownerId: alice.id, phase: "Ready", limit: 50 });
    expect(ready.items.map((s) => s.name)).toEqual(
      await expectedOrder(sql`owner_id = ${alice.id} and phase = 'Ready' and deleted_at is null`),
    );
    expect(ready.total).toBe(ready.items.length);

    const blue = await pageThrough({ namePrefix: "blue-1", limit: 2 });
    expect(blue.names).toEqual(["blue-18", "blue-16", "blue-14", "blue-12", "blue-10"]);
    expect(blue.totals).toEqual([5]);
  });

  it("includes finished deletions only when asked, and a Deleted phase filter finds them", async () => {
    await seed();
    const db = handle().db;
    expect((await listStoresPage(db, { limit: 50 })).items.map((s) => s.name)).not.toContain(
      "red-21",
    );
    const all = await pageThrough({ includeDeleted: true, limit: 5 });
    expect(all.names).toEqual(await expectedOrder());
    expect(all.totals).toEqual([23]);
    const deleted = await listStoresPage(db, { includeDeleted: true, phase: "Deleted", limit: 5 });
    expect(deleted.items.map((s) => s.name)).toEqual(["red-21"]);
  });

  it("a name prefix with LIKE wildcards matches them literally", async () => {
    await seed();
    expect(likePrefix("a_b%c\\")).toBe("a\\_b\\%c\\\\%");
    expect((await listStoresPage(handle().db, { namePrefix: "b_ue", limit: 50 })).total).toBe(0);
    expect((await listStoresPage(handle().db, { namePrefix: "%", limit: 50 })).total).toBe(0);
  });

  it("rows created after the first page never shift the pages that follow", async () => {
    const { alice } = await seed();
    const db = handle().db;
    const expected = await expectedOrder(sql`deleted_at is null`);
    const first = await listStoresPage(db, { limit: 10 });
    await db
      .insertInto("stores")
      .values({ name: "newcomer", engine: "medusa", plan: "small", owner_id: alice.id })
      .execute();
    const second = await listStoresPage(db, { limit: 10, after: first.nextAfter ?? undefined });
    expect([...first.items, ...second.items].map((s) => s.name)).toEqual(expected.slice(0, 20));
    expect(second.total).toBe(23);
  });

  it("a cursor that names no store gives an empty page", async () => {
    await seed();
    const page = await listStoresPage(handle().db, {
      limit: 10,
      after: "00000000-0000-4000-8000-000000000000",
    });
    expect(page).toEqual({ items: [], total: 22, nextAfter: null });
  });

  it("pages users in join order with an email prefix, and counts live stores per owner", async () => {
    const { alice, bob } = await seed();
    const db = handle().db;
    const carol = await db
      .insertInto("users")
      .values({ email: "Carol.Prefix@example.test", password_hash: "x", role: "member" })
      .returningAll()
      .executeTakeFirstOrThrow();
    const first = await listUsersPage(db, { limit: 2 });
    expect(first.items.map((u) => u.id)).toEqual([alice.id, bob.id]);
    expect(first.total).toBe(3);
    const second = await listUsersPage(db, { limit: 2, after: first.nextAfter ?? undefined });
    expect(second.items.map((u) => u.id)).toEqual([carol.id]);
    expect(second.nextAfter).toBeNull();
    const found = await listUsersPage(db, { limit: 10, emailPrefix: "carol.p" });
    expect(found.items.map((u) => u.id)).toEqual([carol.id]);

    const counts = await countLiveStoresByOwner(db, [alice.id, bob.id, carol.id]);
    expect(counts.get(alice.id)).toBe(15);
    expect(counts.get(bob.id)).toBe(7);
    expect(counts.get(carol.id)).toBeUndefined();
    expect((await findUserEmails(db, [carol.id])).get(carol.id)).toBe("Carol.Prefix@example.test");
  });
});
