import { sql } from "kysely";
import { beforeEach, expect, it } from "vitest";
import { pruneAuditLog, pruneStoreEvents } from "../src/repositories/retention.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

const DAY = 86_400_000;
const now = Date.parse("2026-12-02T12:00:00Z");

describeEachDatabase("retention of store events and audit rows", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  /** `count` events for a store, one a day, the newest `newestAgeDays` old, inserted oldest first. */
  async function events(storeId: string, count: number, newestAgeDays = 0) {
    const rows = Array.from({ length: count }, (_, i) => ({
      store_id: storeId,
      created_at: new Date(now - (newestAgeDays + count - 1 - i) * DAY),
      type: "Normal" as const,
      reason: "Test",
      message: `event ${i}`,
      actor: "test",
    }));
    await handle().db.insertInto("store_events").values(rows).execute();
  }

  async function remaining(storeId: string) {
    const { rows } = await sql<{ n: number; oldest: Date | null }>`
      select count(*)::int as n, min(created_at) as oldest from store_events where store_id = ${storeId}`.execute(
      handle().db,
    );
    return rows[0] as { n: number; oldest: Date | null };
  }

  it("deletes events past the window but always keeps each store's newest", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    // Five stores, a batch of two, so batches and the last partial batch both run.
    const [busy, quiet, fresh, small, gone] = await insertStores(db, owner.id, 5);
    await events(busy!.id, 200); // 200 days of history: 110 are past 90 days
    await events(quiet!.id, 30, 400); // all old, fewer than the keep count
    await events(fresh!.id, 50); // all inside the window
    await events(small!.id, 12, 100); // old, more than keep=10
    await events(gone!.id, 15, 200);
    await db
      .updateTable("stores")
      .set({ deleted_at: new Date(), phase: "Deleted" })
      .where("id", "=", gone!.id)
      .execute();

    const before = new Date(now - 90 * DAY);
    const deleted = await pruneStoreEvents(db, { before, keepPerStore: 10, storeBatch: 2 });

    // busy: keeps everything inside 90 days (days 0..89 old → 90 events) — more than 10 anyway.
    expect((await remaining(busy!.id)).n).toBe(91);
    expect((await remaining(busy!.id)).oldest!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    // quiet and small and gone: only their 10 newest.
    expect((await remaining(quiet!.id)).n).toBe(10);
    expect((await remaining(small!.id)).n).toBe(10);
    expect((await remaining(gone!.id)).n).toBe(10);
    expect((await remaining(fresh!.id)).n).toBe(50);
    expect(deleted).toBe(200 - 91 + 20 + 2 + 5);
    // The newest survive, not arbitrary ones.
    const { rows } = await sql<{ message: string }>`
      select message from store_events where store_id = ${quiet!.id} order by id`.execute(db);
    expect(rows.map((r) => r.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `event ${20 + i}`),
    );

    // Nothing left to do: a second run deletes nothing.
    expect(await pruneStoreEvents(db, { before, keepPerStore: 10, storeBatch: 2 })).toBe(0);
  });

  it("keepPerStore 0 leaves only the window", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    await events(store!.id, 20, 5);
    expect(await pruneStoreEvents(db, { before: new Date(now - 10 * DAY), keepPerStore: 0 })).toBe(
      14,
    );
    // Ages 5…10 days: inside the window (age 10 is exactly at its edge).
    expect((await remaining(store!.id)).n).toBe(6);
  });

  it("deletes audit rows older than the window in batches, and only those", async () => {
    const { db } = handle();
    const rows = Array.from({ length: 25 }, (_, i) => ({
      created_at: new Date(now - i * 10 * DAY),
      actor: "user:a@example.test",
      action: "store.create",
      target_type: "store",
      target_id: null,
      actor_user_id: null,
    }));
    await db.insertInto("audit_log").values(rows).execute();
    // Ages 0, 10, …, 240 days: 100 days and older (ages 100…240) go.
    const deleted = await pruneAuditLog(db, {
      before: new Date(now - 95 * DAY),
      batchSize: 4,
    });
    expect(deleted).toBe(15);
    const { rows: left } = await sql<{ n: number; oldest: Date }>`
      select count(*)::int as n, min(created_at) as oldest from audit_log`.execute(db);
    expect(left[0]?.n).toBe(10);
    expect(left[0]?.oldest.getTime()).toBe(now - 90 * DAY);
  });
});
