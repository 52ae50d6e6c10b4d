import { sql } from "kysely";
import { beforeEach, expect, it } from "vitest";
import type { Condition } from "../src/domain.ts";
import { claimDueStores } from "../src/repositories/claims.ts";
import {
  appendStoreEvents,
  countStoresByPhase,
  markStoreDeleted,
  recordReconcileProgress,
  recordReconcileResult,
  renewClaims,
} from "../src/repositories/reconcile.ts";
import { listStoreEvents } from "../src/repositories/store-events.ts";
import { findStoreById } from "../src/repositories/stores.ts";
import { STORE_CHANGES_CHANNEL, STORE_STATUS_CHANNEL } from "../src/wakeup.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

const conditions: Condition[] = [
  {
    type: "Ready",
    status: "True",
    reason: "StoreReady",
    message: "ok",
    observedGeneration: 1,
    lastTransitionTime: "2026-01-01T00:00:00.000Z",
  },
];

function result(storeId: string, owner: string, next: Date) {
  return {
    storeId,
    owner,
    phase: "Ready" as const,
    conditions,
    observedGeneration: 1,
    failureCount: 0,
    lastError: null,
    storeUrl: "http://a.localhost",
    adminUrl: "http://a.localhost/wp-admin/",
    provisioningStartedAt: new Date("2026-01-01T00:00:00Z"),
    readyAt: new Date("2026-01-01T00:01:00Z"),
    release: { nextReconcileAt: next },
  };
}

describeEachDatabase("controller status writes", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("writes status and releases the claim only for the claim holder", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    await claimDueStores(db, { owner: "a", limit: 1, ttlSeconds: 30 });
    const later = new Date(Date.now() + 3_600_000);
    expect(await recordReconcileResult(db, result(store!.id, "b", later))).toBe(false);
    expect(await recordReconcileResult(db, result(store!.id, "a", later))).toBe(true);
    const row = await findStoreById(db, store!.id);
    expect(row).toMatchObject({
      phase: "Ready",
      observed_generation: 1,
      claimed_by: null,
      store_url: "http://a.localhost",
    });
    expect(row!.conditions).toEqual(conditions);
    expect(row!.next_reconcile_at.getTime()).toBe(later.getTime());
  });

  it("a generation bumped while the claim was held makes the store due at once", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    await claimDueStores(db, { owner: "a", limit: 1, ttlSeconds: 30 });
    await db.updateTable("stores").set({ generation: 2 }).where("id", "=", store!.id).execute();
    await recordReconcileResult(db, result(store!.id, "a", new Date(Date.now() + 3_600_000)));
    const row = await findStoreById(db, store!.id);
    expect(row!.next_reconcile_at.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it("clears a rollback request only when the pass saw the release on the assigned version", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    await db
      .updateTable("stores")
      .set({ chart_version: "0.1.0", rollback_chart_version: "0.1.0" })
      .where("id", "=", store!.id)
      .execute();
    const later = new Date(Date.now() + 3_600_000);
    await claimDueStores(db, { owner: "a", limit: 1, ttlSeconds: 30 });
    await recordReconcileResult(db, result(store!.id, "a", later));
    expect((await findStoreById(db, store!.id))!.rollback_chart_version).toBe("0.1.0");
    await db
      .updateTable("stores")
      .set({ next_reconcile_at: new Date(0) })
      .execute();
    await claimDueStores(db, { owner: "a", limit: 1, ttlSeconds: 30 });
    await recordReconcileResult(db, {
      ...result(store!.id, "a", later),
      deployedChartVersion: "0.1.0",
      rollbackDone: true,
    });
    expect(await findStoreById(db, store!.id)).toMatchObject({
      rollback_chart_version: null,
      deployed_chart_version: "0.1.0",
    });
  });

  it("marks a store deleted (fenced), after which its name is free and status writes are ignored", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 1);
    await claimDueStores(db, { owner: "a", limit: 1, ttlSeconds: 30 });
    expect(
      await markStoreDeleted(db, {
        storeId: store!.id,
        owner: "b",
        conditions,
        observedGeneration: 1,
      }),
    ).toBe(false);
    expect(
      await markStoreDeleted(db, {
        storeId: store!.id,
        owner: "a",
        conditions,
        observedGeneration: 1,
      }),
    ).toBe(true);
    const row = await findStoreById(db, store!.id);
    expect(row).toMatchObject({ phase: "Deleted", claimed_by: null });
    expect(row!.deleted_at).not.toBeNull();
    await db.updateTable("stores").set({ claimed_by: "a" }).where("id", "=", store!.id).execute();
    expect(await recordReconcileResult(db, result(store!.id, "a", new Date()))).toBe(false);
    await db
      .insertInto("stores")
      .values({ name: store!.name, engine: "woocommerce", plan: "small", owner_id: owner.id })
      .execute();
  });

  it("renews many claims in one statement, only the owner's", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const stores = await insertStores(db, owner.id, 3);
    await claimDueStores(db, { owner: "a", limit: 2, ttlSeconds: 1 });
    const n = await renewClaims(db, {
      owner: "a",
      storeIds: stores.map((s) => s.id),
      ttlSeconds: 600,
    });
    expect(n).toHaveLength(2);
    const rows = await db
      .selectFrom("stores")
      .select(["claimed_by", "claim_expires_at"])
      .where("claimed_by", "=", "a")
      .execute();
    for (const r of rows)
      expect(r.claim_expires_at!.getTime()).toBeGreaterThan(Date.now() + 500_000);
    expect(await renewClaims(db, { owner: "a", storeIds: [], ttlSeconds: 1 })).toEqual([]);
  });

  it("appends a pass's events in order and counts stores by phase", async () => {
    const { db } = handle();
    const owner = await insertUser(db);
    const [store] = await insertStores(db, owner.id, 2);
    await appendStoreEvents(db, store!.id, "controller:a", [
      { type: "Normal", reason: "NamespaceCreated", message: "one" },
      { type: "Warning", reason: "KubeUnavailable", message: "two" },
    ]);
    const events = await listStoreEvents(db, store!.id);
    expect(events.map((e) => e.reason)).toEqual(["KubeUnavailable", "NamespaceCreated"]);
    expect(events.every((e) => e.actor === "controller:a")).toBe(true);
    await sql`update stores set phase = 'Ready' where id = ${store!.id}`.execute(db);
    expect(await countStoresByPhase(db)).toEqual({ Pending: 1, Ready: 1 });
  });

  it("a pass with events tells the dashboard on the status channel, never waking the controller", async () => {
    const h = handle();
    const owner = await insertUser(h.db);
    const [store] = await insertStores(h.db, owner.id, 1);
    const status: string[] = [];
    const wakeups: string[] = [];
    const stopStatus = await h.listen(STORE_STATUS_CHANNEL, (id) => status.push(id));
    const stopWakeups = await h.listen(STORE_CHANGES_CHANNEL, (id) => wakeups.push(id));
    await appendStoreEvents(h.db, store!.id, "controller:a", []);
    await appendStoreEvents(h.db, store!.id, "controller:a", [
      { type: "Normal", reason: "StoreReady", message: "ready" },
    ]);
    await expect.poll(() => status, { timeout: 3000 }).toEqual([store!.id]);
    await new Promise((r) => setTimeout(r, 100));
    expect(wakeups).toEqual([]);
    await stopStatus();
    await stopWakeups();
  });

  it("progress before a long action: conditions and phase, fenced by the claim, on the status channel", async () => {
    const h = handle();
    const owner = await insertUser(h.db);
    const [store] = await insertStores(h.db, owner.id, 1);
    await claimDueStores(h.db, { owner: "a", limit: 1, ttlSeconds: 30 });
    const status: string[] = [];
    const stop = await h.listen(STORE_STATUS_CHANNEL, (id) => status.push(id));
    const reconciling: Condition = {
      type: "Reconciling",
      status: "True",
      reason: "Installing",
      message: "installing release, revision 1",
      observedGeneration: 1,
      lastTransitionTime: "2026-01-01T00:00:00.000Z",
    };
    const input = {
      storeId: store!.id,
      phase: "Provisioning" as const,
      conditions: [reconciling],
    };
    expect(await recordReconcileProgress(h.db, { ...input, owner: "b" })).toBe(false);
    expect(await recordReconcileProgress(h.db, { ...input, owner: "a" })).toBe(true);
    const row = await findStoreById(h.db, store!.id);
    expect(row).toMatchObject({
      phase: "Provisioning",
      claimed_by: "a",
      conditions: [reconciling],
    });
    await expect.poll(() => status, { timeout: 3000 }).toEqual([store!.id]);
    await stop();
  });
});
