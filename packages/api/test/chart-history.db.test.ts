// Level: db (PGlite and, with TEST_DATABASE_URL, real Postgres). The read
// procedures the dashboard's Rollouts page and store page use (issue 16):
// `stores.chartHistory` answers the owner (and admins) with the store's first
// version and each rollout that touched it, and another owner's store is
// NOT_FOUND; `rollouts.list` is for admins only, newest first.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { beforeEach, expect, it } from "vitest";
import { expectTrpcError, makeDeps, signedUp, testConfig } from "./helpers.ts";

describeEachDatabase("chart history and rollout list procedures", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function setUp() {
    const deps = makeDeps(handle(), { config: testConfig({ STORE_LIMIT_PER_USER: "5" }) });
    const admin = await signedUp(deps);
    const owner = await signedUp(deps);
    const stranger = await signedUp(deps);
    const store = await owner.caller.stores.create({ name: "history-a", engine: "woocommerce" });
    await owner.caller.stores.create({ name: "history-b", engine: "woocommerce" });
    await handle()
      .db.updateTable("stores")
      .set({ chart_version: "0.1.0", deployed_chart_version: "0.1.0" })
      .execute();
    return { admin, owner, stranger, store };
  }

  it("gives the owner and admins the store's history; another owner gets NOT_FOUND", async () => {
    const { admin, owner, stranger, store } = await setUp();
    expect(await owner.caller.stores.chartHistory({ id: store.id })).toMatchObject({
      initial: { version: "0.1.0" },
      current: { chartVersion: "0.1.0", deployedChartVersion: "0.1.0" },
      entries: [],
    });

    const rollout = await admin.caller.rollouts.start({
      engine: "woocommerce",
      chartVersion: "0.2.0",
    });
    await admin.caller.rollouts.abort({ id: rollout.id });
    const byName = await owner.caller.stores.chartHistory({ id: "history-a" });
    expect(byName.entries).toEqual([
      expect.objectContaining({
        rolloutId: rollout.id,
        fromVersion: "0.1.0",
        toVersion: "0.2.0",
        outcome: "not-upgraded",
        reason: "the rollout was aborted before this store's turn",
      }),
    ]);
    expect(await admin.caller.stores.chartHistory({ id: store.id })).toEqual(byName);

    await expectTrpcError(
      stranger.caller.stores.chartHistory({ id: store.id }),
      "NOT_FOUND",
      /history-a|not found/i,
    );
    await expectTrpcError(stranger.caller.stores.chartHistory({ id: "history-a" }), "NOT_FOUND");
  });

  it("lists rollouts newest first for admins only", async () => {
    const { admin, owner } = await setUp();
    const first = await admin.caller.rollouts.start({
      engine: "woocommerce",
      chartVersion: "0.2.0",
    });
    await admin.caller.rollouts.abort({ id: first.id });
    const second = await admin.caller.rollouts.start({
      engine: "woocommerce",
      chartVersion: "0.3.0",
    });
    const listed = await admin.caller.rollouts.list();
    expect(listed.map((r) => [r.id, r.targetChartVersion, r.state])).toEqual([
      [second.id, "0.3.0", "running"],
      [first.id, "0.2.0", "aborted"],
    ]);
    expect(listed[0]?.createdBy).toMatch(/^user:/);
    await expectTrpcError(owner.caller.rollouts.list(), "FORBIDDEN");
  });
});
