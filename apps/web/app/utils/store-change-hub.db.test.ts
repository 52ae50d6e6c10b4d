// Level: PGlite + real Postgres. The hub forwards a store's changes only to
// its owner and to admins, from NOTIFY on both channels: desired state (the
// API) and recorded transitions (the controller's appendStoreEvents).
import { appendStoreEvents, createUser, insertStore, notifyStoreChanged } from "@storeplane/db";
import { describeEachDatabase } from "@storeplane/db/testing";
import { sql } from "kysely";
import pino from "pino";
import { expect, it } from "vitest";
import { createStoreChangeHub, type StoreChange } from "./store-change-hub.server.ts";

const until = async (check: () => boolean, timeoutMs = 5_000) => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describeEachDatabase("store change hub", (fixture) => {
  it("sends a store's changes to its owner and admins only", async () => {
    const { db } = fixture.handle();
    const suffix = Math.random().toString(36).slice(2, 8);
    const user = (role: "admin" | "member", name: string) =>
      createUser(db, { email: `${name}-${suffix}@example.com`, passwordHash: "x", role });
    const [admin, owner, stranger] = await Promise.all([
      user("admin", "admin"),
      user("member", "owner"),
      user("member", "stranger"),
    ]);
    const hub = createStoreChangeHub(fixture.handle(), pino({ level: "silent" }));
    const received: Record<string, StoreChange[]> = { admin: [], owner: [], stranger: [] };
    const unsubscribe = [
      hub.subscribe({ userId: admin.id, isAdmin: true, send: (c) => received.admin?.push(c) }),
      hub.subscribe({ userId: owner.id, isAdmin: false, send: (c) => received.owner?.push(c) }),
      hub.subscribe({
        userId: stranger.id,
        isAdmin: false,
        send: (c) => received.stranger?.push(c),
      }),
    ];
    // Let the LISTENs settle.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const store = await insertStore(db, {
      name: `hub-${suffix}`,
      engine: "woocommerce",
      plan: "small",
      ownerId: owner.id,
      storeUrl: null,
      adminUrl: null,
    });
    await notifyStoreChanged(db, store.id);
    await until(() => (received.owner?.length ?? 0) > 0 && (received.admin?.length ?? 0) > 0);

    // A transition the controller records arrives on the status channel.
    const before = received.owner?.length ?? 0;
    await sql`update stores set phase = 'Ready', updated_at = now() where id = ${store.id}`.execute(
      db,
    );
    await appendStoreEvents(db, store.id, "controller:test", [
      { type: "Normal", reason: "StoreReady", message: "store is ready" },
    ]);
    await until(() => (received.owner?.length ?? 0) > before);

    expect(received.owner?.every((change) => change.storeId === store.id)).toBe(true);
    expect(received.stranger).toEqual([]);
    expect(hub.size()).toBe(3);
    for (const stop of unsubscribe) stop();
    expect(hub.size()).toBe(0);
    await hub.close();
  });
});
