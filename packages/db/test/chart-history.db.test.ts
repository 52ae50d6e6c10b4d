// Level: db (PGlite and, with TEST_DATABASE_URL, real Postgres). A store's
// chart version history is derived from its rollout rows: the first version,
// then each rollout that touched it with its outcome and reason, oldest first.
import { beforeEach, expect, it } from "vitest";
import { storeChartHistory } from "../src/repositories/chart-history.ts";
import {
  assignRolloutStores,
  changeRolloutState,
  completeRollout,
  haltRollout,
  markRolloutStoreRolledBack,
  markRolloutStoresSucceeded,
  type StartRolloutInput,
  startRollout,
} from "../src/repositories/rollouts.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";
import { insertStores, insertUser } from "./helpers.ts";

const input: Omit<StartRolloutInput, "targetChartVersion"> = {
  engine: "woocommerce",
  // One store per wave, so the second store's turn comes after the first's.
  waves: [{ stores: 1 }, { percent: 100 }],
  waveDeadlineSeconds: 600,
  pauseSeconds: 0,
  maxUnavailable: 1,
  createdBy: "user:admin@example.test",
};

describeEachDatabase("store chart history", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function twoStoresOn(version: string) {
    const { db } = handle();
    const owner = await insertUser(db);
    const stores = await insertStores(db, owner.id, 2);
    await db
      .updateTable("stores")
      .set({ chart_version: version, deployed_chart_version: version })
      .execute();
    return stores.map((s) => s.id);
  }

  async function start(targetChartVersion: string, createdAt: string) {
    const result = await startRollout(handle().db, { ...input, targetChartVersion });
    if ("refused" in result) throw new Error(result.refused);
    // Fixed start times, so "oldest first" is tested on known values.
    await handle()
      .db.updateTable("rollouts")
      .set({ created_at: new Date(createdAt) })
      .where("id", "=", result.rollout.id)
      .execute();
    const [first, second] = result.stores;
    if (!first || !second) throw new Error("expected two members");
    return { id: result.rollout.id, first: first.store_id, second: second.store_id };
  }

  it("a store no rollout touched: its first version is the one it runs, no entries", async () => {
    const [id] = await twoStoresOn("0.1.0");
    const history = await storeChartHistory(handle().db, id as string);
    expect(history).toMatchObject({
      initial: { version: "0.1.0" },
      current: { chartVersion: "0.1.0", deployedChartVersion: "0.1.0" },
      entries: [],
    });
    expect(history?.initial.at).toBeInstanceOf(Date);
  });

  it("lists every rollout that touched the store, oldest first, with outcome, reason and time", async () => {
    const { db } = handle();
    await twoStoresOn("0.1.0");

    // 1: both stores upgraded to 0.2.0.
    const one = await start("0.2.0", "2026-12-01T10:00:00Z");
    const t1 = new Date("2026-12-01T10:05:00Z");
    await assignRolloutStores(db, one.id, [one.first, one.second], t1);
    await markRolloutStoresSucceeded(db, one.id, [one.first, one.second], t1);
    expect(await completeRollout(db, one.id, t1)).toBe(true);
    await db.updateTable("stores").set({ deployed_chart_version: "0.2.0" }).execute();

    // 2: the canary fails and is rolled back; the other store's turn never comes.
    const two = await start("0.3.0", "2026-12-01T11:00:00Z");
    const t2 = new Date("2026-12-01T11:02:00Z");
    const reason = "not Ready within 600s: ImagePullBackOff";
    await assignRolloutStores(db, two.id, [two.first], t2);
    await haltRollout(db, two.id, { storeId: two.first, reason }, t2);
    await markRolloutStoreRolledBack(db, two.id, two.first, t2);
    await changeRolloutState(db, two.id, "abort", t2);

    const canary = await storeChartHistory(db, two.first);
    expect(canary?.initial.version).toBe("0.1.0");
    expect(canary?.current).toEqual({ chartVersion: "0.2.0", deployedChartVersion: "0.2.0" });
    expect(canary?.entries).toEqual([
      expect.objectContaining({
        rolloutId: one.id,
        fromVersion: "0.1.0",
        toVersion: "0.2.0",
        outcome: "succeeded",
        reason: null,
        at: t1,
      }),
      expect.objectContaining({
        rolloutId: two.id,
        rolloutState: "aborted",
        fromVersion: "0.2.0",
        toVersion: "0.3.0",
        outcome: "rolled-back",
        reason,
        startedAt: t2,
        at: t2,
      }),
    ]);

    const other = await storeChartHistory(db, two.second);
    expect(other?.entries.map((e) => [e.toVersion, e.outcome, e.reason])).toEqual([
      ["0.2.0", "succeeded", null],
      ["0.3.0", "not-upgraded", "the rollout was aborted before this store's turn"],
    ]);
    // Never started: its time is when the rollout began.
    expect(other?.entries[1]?.at).toEqual(new Date("2026-12-01T11:00:00Z"));
  });

  it("answers undefined for a store that does not exist", async () => {
    expect(
      await storeChartHistory(handle().db, "00000000-0000-4000-8000-000000000000"),
    ).toBeUndefined();
  });
});
