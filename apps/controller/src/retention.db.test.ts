import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { sql } from "kysely";
import { beforeEach, expect, it } from "vitest";
import { applyRetention } from "./retention.ts";

const DAY = 86_400_000;

describeEachDatabase("controller history retention", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("applies the configured windows to store events and audit rows", async () => {
    const { db } = handle();
    const now = Date.now();
    const user = await db
      .insertInto("users")
      .values({ email: "r@example.test", password_hash: "x", role: "member" })
      .returningAll()
      .executeTakeFirstOrThrow();
    const store = await db
      .insertInto("stores")
      .values({ name: "keep", engine: "medusa", plan: "small", owner_id: user.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .insertInto("store_events")
      .values(
        Array.from({ length: 20 }, (_, i) => ({
          store_id: store.id,
          created_at: new Date(now - (40 - i) * DAY),
          type: "Normal" as const,
          reason: "Test",
          message: String(i),
          actor: "test",
        })),
      )
      .execute();
    await db
      .insertInto("audit_log")
      .values(
        [40, 1].map((age) => ({
          created_at: new Date(now - age * DAY),
          actor: "test",
          action: "store.create",
          target_type: "store",
          target_id: null,
          actor_user_id: null,
        })),
      )
      .execute();
    const deleted = await applyRetention(
      handle(),
      { intervalMs: 1, eventDays: 30, eventsKeepPerStore: 5, auditDays: 30 },
      now,
    );
    // Events 40…21 days old: the ten past 30 days go (the newest 5 are inside the window anyway).
    expect(deleted).toEqual({ events: 10, audit: 1 });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from store_events`.execute(
      db,
    );
    expect(rows[0]?.n).toBe(10);
  });
});
