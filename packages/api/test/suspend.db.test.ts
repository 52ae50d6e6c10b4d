// Suspend and resume (issue 16) at the API: desired state with a bumped
// generation and a wake-up, owners and admins only, refused for a store being
// deleted, repeat-safe, audited. The controller's side is in
// apps/controller/test/suspend.sim.test.ts.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { beforeEach, expect, it } from "vitest";
import { expectTrpcError, makeDeps, rowCounts, signedUp, testConfig } from "./helpers.ts";

describeEachDatabase("suspend and resume", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("suspend and resume are desired state: generation bumped, due now, NOTIFY, event and audit", async () => {
    const { caller, user } = await signedUp(makeDeps(handle()));
    const store = await caller.stores.create({ name: "sleepy", engine: "woocommerce" });
    const notified: string[] = [];
    const unlisten = await handle().listen("store_changes", (payload) => notified.push(payload));
    try {
      const suspended = await caller.stores.suspend({ id: "sleepy" });
      expect(suspended).toMatchObject({ suspended: true, generation: 2 });
      await expect.poll(() => notified).toContain(store.id);
      // A repeat changes nothing.
      expect(await caller.stores.suspend({ id: store.id })).toMatchObject({ generation: 2 });
      const resumed = await caller.stores.resume({ id: store.id });
      expect(resumed).toMatchObject({ suspended: false, generation: 3 });
    } finally {
      await unlisten();
    }
    const audit = await handle()
      .db.selectFrom("audit_log")
      .select(["action", "actor_user_id"])
      .where("target_id", "=", store.id)
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { action: "store.create", actor_user_id: user.id },
      { action: "store.suspend", actor_user_id: user.id },
      { action: "store.resume", actor_user_id: user.id },
    ]);
    const reasons = (await caller.stores.events({ id: store.id })).map((e) => e.reason);
    expect(reasons.slice(0, 2)).toEqual(["ResumeRequested", "SuspendRequested"]);
  });

  it("admins may suspend another user's store; other members see no such store", async () => {
    const deps = makeDeps(handle());
    const admin = await signedUp(deps);
    const owner = await signedUp(deps);
    const other = await signedUp(deps);
    const store = await owner.caller.stores.create({ name: "theirs", engine: "medusa" });
    await expectTrpcError(other.caller.stores.suspend({ id: store.id }), "NOT_FOUND");
    expect((await admin.caller.stores.suspend({ id: store.id })).suspended).toBe(true);
    await expectTrpcError(other.caller.stores.resume({ id: store.id }), "NOT_FOUND");
    expect((await owner.caller.stores.resume({ id: store.id })).suspended).toBe(false);
  });

  it("a store being deleted can be neither suspended nor resumed, and nothing is written", async () => {
    const { caller } = await signedUp(makeDeps(handle()));
    const store = await caller.stores.create({ name: "leaving", engine: "woocommerce" });
    await caller.stores.delete({ id: store.id });
    const before = await rowCounts(handle().db);
    await expectTrpcError(
      caller.stores.suspend({ id: store.id }),
      "PRECONDITION_FAILED",
      /^suspend: store "leaving" is being deleted$/,
    );
    await expectTrpcError(
      caller.stores.resume({ id: store.id }),
      "PRECONDITION_FAILED",
      /^resume: store "leaving" is being deleted$/,
    );
    expect(await rowCounts(handle().db)).toEqual(before);
  });

  it("a suspended store still counts against the quota", async () => {
    const deps = makeDeps(handle(), { config: testConfig({ STORE_LIMIT_PER_USER: "1" }) });
    const { caller } = await signedUp(deps);
    const store = await caller.stores.create({ name: "only-one", engine: "woocommerce" });
    await caller.stores.suspend({ id: store.id });
    await expectTrpcError(
      caller.stores.create({ name: "second", engine: "woocommerce" }),
      "PRECONDITION_FAILED",
      /^quota: you already have 1 of 1 stores$/,
    );
  });
});
