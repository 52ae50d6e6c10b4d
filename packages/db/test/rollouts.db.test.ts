import { sql } from "kysely";
import { beforeEach, expect, it } from "vitest";
import {
  assignRolloutStores,
  changeRolloutState,
  completeRollout,
  findRollout,
  haltRollout,
  listRolloutStores,
  listStoreRolloutHistory,
  markRolloutStoreRolledBack,
  markRolloutStoresSucceeded,
  type StartRolloutInput,
  startRollout,
} from "../src/repositories/rollouts.ts";
import { requestStoreDeletion, setStoreSuspended } from "../src/repositories/stores.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

const T0 = new Date("2026-12-02T03:00:00Z");
const T1 = new Date("2026-12-02T03:05:00Z");

const input: StartRolloutInput = {
  engine: "woocommerce",
  targetChartVersion: "0.3.0",
  waveDeadlineSeconds: 600,
  pauseSeconds: 60,
  maxUnavailable: 2,
  createdBy: "user:admin@example.test",
};

describeEachDatabase("rollouts repository", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  /** `count` woocommerce stores assigned chart 0.2.0. */
  async function storesOn(count: number, version = "0.2.0") {
    const { db } = handle();
    const owner = await insertUser(db);
    const stores = await insertStores(db, owner.id, count);
    await db
      .updateTable("stores")
      .set({ chart_version: version, deployed_chart_version: version })
      .where(
        "id",
        "in",
        stores.map((s) => s.id),
      )
      .execute();
    return { owner, stores };
  }

  async function started(overrides: Partial<StartRolloutInput> = {}) {
    const result = await startRollout(handle().db, { ...input, ...overrides });
    if ("refused" in result) throw new Error(result.refused);
    return result;
  }

  async function storeRow(id: string) {
    return handle()
      .db.selectFrom("stores")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  }

  it("fixes the eligible stores into waves when it starts, in a stable order, assigning nothing yet", async () => {
    const { db } = handle();
    const { owner, stores } = await storesOn(7);
    // Not eligible: suspended, being deleted, already on the target, unassigned, other engine.
    const [suspended, deleting, onTarget, unassigned] = await insertStores(db, owner.id, 4, "x");
    if (!suspended || !deleting || !onTarget || !unassigned) throw new Error("no stores");
    await db
      .updateTable("stores")
      .set({ chart_version: "0.2.0" })
      .where("id", "in", [suspended.id, deleting.id])
      .execute();
    await setStoreSuspended(db, suspended.id, true);
    await requestStoreDeletion(db, deleting.id);
    await db
      .updateTable("stores")
      .set({ chart_version: "0.3.0" })
      .where("id", "=", onTarget.id)
      .execute();
    const [medusa] = await insertStores(db, owner.id, 1, "m");
    if (!medusa) throw new Error("no store");
    await db
      .updateTable("stores")
      .set({ engine: "medusa", chart_version: "0.2.0" })
      .where("id", "=", medusa.id)
      .execute();

    const { rollout, stores: members } = await started();
    expect(rollout).toMatchObject({
      engine: "woocommerce",
      target_chart_version: "0.3.0",
      state: "running",
      waves: [{ stores: 1 }, { percent: 10 }, { percent: 50 }, { percent: 100 }],
      max_unavailable: 2,
      created_by: "user:admin@example.test",
    });
    expect(members.map((m) => m.store_id).sort()).toEqual(stores.map((s) => s.id).sort());
    expect(members.map((m) => m.wave)).toEqual([1, 2, 2, 2, 3, 3, 3]);
    expect(members.every((m) => m.state === "pending" && m.from_chart_version === "0.2.0")).toBe(
      true,
    );
    // The order is md5 of the id: the same stores give the same canary again.
    const { rows } = await sql<{
      id: string;
    }>`select id from stores where id = any(${members.map((m) => m.store_id)}::uuid[]) order by md5(id::text), id`.execute(
      db,
    );
    expect(members.map((m) => m.store_id)).toEqual(rows.map((r) => r.id));
    for (const s of stores) expect((await storeRow(s.id)).chart_version).toBe("0.2.0");
  });

  it("refuses a second active rollout of the same engine, a bad wave plan and a rollout with no store", async () => {
    await storesOn(3);
    expect(await startRollout(handle().db, { ...input, waves: [{ percent: 50 }] })).toEqual({
      refused: "waves: the last wave must be { percent: 100 } so that every store is upgraded",
    });
    expect(
      await startRollout(handle().db, { ...input, waves: [{ percent: 50 }, { percent: 40 }] }),
    ).toEqual({
      refused: "waves[1].percent must be greater than the previous percentage (50)",
    });
    expect(await startRollout(handle().db, { ...input, targetChartVersion: "0.2.0" })).toEqual({
      refused: "no live woocommerce store runs a chart version other than 0.2.0",
    });
    const { rollout } = await started();
    const second = await startRollout(handle().db, { ...input, targetChartVersion: "0.4.0" });
    expect(second).toEqual({ refused: `a woocommerce rollout is already running (${rollout.id})` });
  });

  it("lets exactly one of two concurrent starts for an engine win", async () => {
    await storesOn(3);
    const results = await Promise.all([
      startRollout(handle().db, input),
      startRollout(handle().db, { ...input, targetChartVersion: "0.4.0" }),
    ]);
    expect(results.filter((r) => "rollout" in r)).toHaveLength(1);
    expect(results.filter((r) => "refused" in r)).toHaveLength(1);
  });

  it("assigns the target version to the given pending stores, bumping generation once, only while running", async () => {
    const { db } = handle();
    await storesOn(3);
    const { rollout, stores: members } = await started();
    const [canary, second] = members;
    if (!canary || !second) throw new Error("no members");
    const before = await storeRow(canary.store_id);

    expect(await assignRolloutStores(db, rollout.id, [canary.store_id], T0)).toBe(1);
    const after = await storeRow(canary.store_id);
    expect(after.chart_version).toBe("0.3.0");
    expect(after.generation).toBe(before.generation + 1);
    const [member] = (await listRolloutStores(db, rollout.id)).filter(
      (m) => m.store_id === canary.store_id,
    );
    expect(member).toMatchObject({
      state: "upgrading",
      assigned_generation: after.generation,
      started_at: T0,
    });
    // A repeat moves nothing (the store is no longer pending): one upgrade per store.
    expect(await assignRolloutStores(db, rollout.id, [canary.store_id], T1)).toBe(0);
    expect((await storeRow(canary.store_id)).generation).toBe(after.generation);

    // Paused: nothing is assigned.
    await changeRolloutState(db, rollout.id, "pause", T1);
    expect(await assignRolloutStores(db, rollout.id, [second.store_id], T1)).toBe(0);
    expect((await storeRow(second.store_id)).chart_version).toBe("0.2.0");
  });

  it("skips a store deleted before its turn, so its wave does not wait for it", async () => {
    const { db } = handle();
    await storesOn(3);
    const { rollout, stores: members } = await started();
    const [canary, leaving] = members;
    if (!canary || !leaving) throw new Error("no members");
    await requestStoreDeletion(db, leaving.store_id);
    const before = await storeRow(leaving.store_id);
    expect(await assignRolloutStores(db, rollout.id, [canary.store_id, leaving.store_id], T0)).toBe(
      1,
    );
    const after = await listRolloutStores(db, rollout.id);
    expect(after.find((m) => m.store_id === leaving.store_id)).toMatchObject({
      state: "skipped",
      reason: "the store is being deleted",
    });
    expect(await storeRow(leaving.store_id)).toMatchObject({
      chart_version: "0.2.0",
      generation: before.generation,
    });
  });

  it("skips a store under a restore when its turn comes: it keeps its version", async () => {
    const { db } = handle();
    await storesOn(3);
    const { rollout, stores: members } = await started();
    const [canary, restoring] = members;
    if (!canary || !restoring) throw new Error("no members");
    const target = await storeRow(restoring.store_id);
    const backup = await db
      .insertInto("backups")
      .values({
        store_id: target.id,
        owner_id: target.owner_id,
        kind: "on-demand",
        status: "succeeded",
        requested_by: "t",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("store_restores")
      .values({
        backup_id: backup.id,
        target_store_id: target.id,
        kind: "restore",
        status: "running",
        requested_by: "t",
      })
      .execute();
    expect(
      await assignRolloutStores(db, rollout.id, [canary.store_id, restoring.store_id], T0),
    ).toBe(1);
    const after = await listRolloutStores(db, rollout.id);
    expect(after.find((m) => m.store_id === restoring.store_id)).toMatchObject({
      state: "skipped",
      reason: expect.stringContaining("a restore into the store was in progress"),
    });
    expect(await storeRow(restoring.store_id)).toMatchObject({
      chart_version: "0.2.0",
      generation: target.generation,
    });
  });

  it("halts on a failed gate: the store goes back to its version with the reason, and nothing more is assigned", async () => {
    const { db } = handle();
    await storesOn(3);
    const { rollout, stores: members } = await started();
    const [canary, other] = members;
    if (!canary || !other) throw new Error("no members");
    await assignRolloutStores(db, rollout.id, [canary.store_id], T0);
    const upgraded = await storeRow(canary.store_id);

    const reason = "not Ready within 600s: ImagePullBackOff: wordpress:0.3.0-bad";
    const halted = await haltRollout(db, rollout.id, { storeId: canary.store_id, reason }, T1);
    expect(halted).toMatchObject({
      rollout: { state: "halted", halt_reason: reason, halted_store_id: canary.store_id },
    });
    const rolledBack = await storeRow(canary.store_id);
    expect(rolledBack.chart_version).toBe("0.2.0");
    // The controller rolls the release back to 0.2.0 (helm rollback), not a new upgrade.
    expect(rolledBack.rollback_chart_version).toBe("0.2.0");
    expect(rolledBack.generation).toBe(upgraded.generation + 1);
    const member = (await listRolloutStores(db, rollout.id)).find(
      (m) => m.store_id === canary.store_id,
    );
    expect(member).toMatchObject({ state: "failed", reason, finished_at: T1 });
    // Visible: an audit entry by the controller, and a Warning in the store's activity.
    expect(
      await db.selectFrom("audit_log").selectAll().where("target_id", "=", rollout.id).execute(),
    ).toMatchObject([
      {
        actor: "controller",
        action: "rollout.halt",
        target_type: "rollout",
        details: { storeId: canary.store_id, reason, chartVersion: "0.3.0" },
      },
    ]);
    const events = await db
      .selectFrom("store_events")
      .selectAll()
      .where("store_id", "=", canary.store_id)
      .execute();
    expect(events).toMatchObject([
      { type: "Warning", reason: "RolloutHalted", actor: "controller" },
    ]);
    expect(events[0]?.message).toContain(reason);

    expect(await assignRolloutStores(db, rollout.id, [other.store_id], T1)).toBe(0);
    expect((await storeRow(other.store_id)).chart_version).toBe("0.2.0");

    await markRolloutStoreRolledBack(db, rollout.id, canary.store_id, T1);
    const history = await listStoreRolloutHistory(db, canary.store_id);
    expect(history).toMatchObject([
      { rollout_id: rollout.id, state: "rolled-back", target_chart_version: "0.3.0", reason },
    ]);

    // Resume clears the halt; the failed store stays on its version.
    const resumed = await changeRolloutState(db, rollout.id, "resume", T1);
    expect(resumed).toMatchObject({
      rollout: { state: "running", halt_reason: null, halted_store_id: null },
    });
    expect((await storeRow(canary.store_id)).chart_version).toBe("0.2.0");
  });

  it("pauses, resumes and aborts only from the states that allow it; abort leaves every store's version", async () => {
    const { db } = handle();
    await storesOn(3);
    const { rollout, stores: members } = await started();
    const [canary] = members;
    if (!canary) throw new Error("no members");
    await assignRolloutStores(db, rollout.id, [canary.store_id], T0);
    await markRolloutStoresSucceeded(db, rollout.id, [canary.store_id], T0);

    expect(await changeRolloutState(db, rollout.id, "resume", T0)).toEqual({
      refused: "cannot resume a rollout that is running",
    });
    expect(await changeRolloutState(db, rollout.id, "pause", T0)).toMatchObject({
      rollout: { state: "paused" },
    });
    expect(await changeRolloutState(db, rollout.id, "pause", T0)).toEqual({
      refused: "cannot pause a rollout that is paused",
    });
    expect(await changeRolloutState(db, rollout.id, "abort", T1)).toMatchObject({
      rollout: { state: "aborted", finished_at: T1 },
    });
    expect(await changeRolloutState(db, rollout.id, "resume", T1)).toEqual({
      refused: "cannot resume a rollout that is aborted",
    });
    const versions = await Promise.all(
      members.map(async (m) => (await storeRow(m.store_id)).chart_version),
    );
    expect(versions).toEqual(["0.3.0", "0.2.0", "0.2.0"]);
    expect(
      await changeRolloutState(db, "00000000-0000-0000-0000-000000000000", "pause", T1),
    ).toEqual({
      refused: "the rollout does not exist",
    });
    // An aborted rollout frees the engine for a new one.
    expect("rollout" in (await startRollout(db, input))).toBe(true);
  });

  it("completes only a running rollout", async () => {
    const { db } = handle();
    await storesOn(1);
    const { rollout } = await started();
    expect(await completeRollout(db, rollout.id, T1)).toBe(true);
    expect(await findRollout(db, rollout.id)).toMatchObject({
      state: "completed",
      finished_at: T1,
    });
    expect(await completeRollout(db, rollout.id, T1)).toBe(false);
    // One audit entry, for the completion that happened, by the controller.
    expect(
      await db.selectFrom("audit_log").selectAll().where("target_id", "=", rollout.id).execute(),
    ).toMatchObject([{ actor: "controller", action: "rollout.complete", target_type: "rollout" }]);
  });
});
