// Deletion protection (issue 16): a per-store flag, set at create and toggled
// later, that makes stores.delete fail with an error naming the flag until it
// is turned off. Owners and admins may toggle it; every toggle is audited.
import { findStoreById } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { getFieldErrors } from "../src/trpc.ts";
import { expectTrpcError, makeDeps, rowCounts, signedUp } from "./helpers.ts";

describeEachDatabase("deletion protection", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  const auditActions = async (storeId: string) =>
    (
      await handle()
        .db.selectFrom("audit_log")
        .select(["action", "actor_user_id"])
        .where("target_id", "=", storeId)
        .orderBy("id")
        .execute()
    ).map((row) => row.action);

  it("a store created protected refuses delete, naming the flag, and writes nothing", async () => {
    const { caller } = await signedUp(makeDeps(handle()));
    const store = await caller.stores.create({
      name: "guarded",
      engine: "woocommerce",
      deletionProtection: true,
    });
    expect(store.deletionProtection).toBe(true);
    const before = await rowCounts(handle().db);

    const error = await expectTrpcError(
      caller.stores.delete({ id: "guarded" }),
      "PRECONDITION_FAILED",
      /^deletionProtection is on: turn it off before deleting store "guarded"$/,
    );
    expect(error.cause?.name).toBe("DeletionProtectedError");
    expect(await rowCounts(handle().db)).toEqual(before);
    expect(await findStoreById(handle().db, store.id)).toMatchObject({
      deletion_requested_at: null,
      generation: 1,
      phase: "Pending",
    });
  });

  it("turning it off lets the delete through; both toggles are events and audit entries", async () => {
    const { caller, user } = await signedUp(makeDeps(handle()));
    const store = await caller.stores.create({ name: "toggle", engine: "medusa" });
    expect(store.deletionProtection).toBe(false);

    const on = await caller.stores.setDeletionProtection({ id: "toggle", enabled: true });
    expect(on).toMatchObject({ deletionProtection: true, generation: 1 });
    await expectTrpcError(caller.stores.delete({ id: store.id }), "PRECONDITION_FAILED");

    // Setting the value it already has is a no-op: no second event or audit row.
    await caller.stores.setDeletionProtection({ id: "toggle", enabled: true });
    const off = await caller.stores.setDeletionProtection({ id: store.id, enabled: false });
    expect(off.deletionProtection).toBe(false);
    const deleted = await caller.stores.delete({ id: store.id });
    expect(deleted).toMatchObject({ phase: "Deleting", generation: 2 });

    expect(await auditActions(store.id)).toEqual([
      "store.create",
      "store.deletion-protection.on",
      "store.deletion-protection.off",
      "store.delete",
    ]);
    const audit = await handle()
      .db.selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "store.deletion-protection.on")
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_user_id: user.id, details: { name: "toggle" } });
    const reasons = (await caller.stores.events({ id: store.id })).map((e) => e.reason);
    expect(reasons).toEqual([
      "DeleteRequested",
      "DeletionProtectionOff",
      "DeletionProtectionOn",
      "CreateRequested",
    ]);
  });

  it("binds admins too: an admin must turn it off, and that is audited as the admin", async () => {
    const deps = makeDeps(handle());
    const admin = await signedUp(deps); // the first account is the admin
    const member = await signedUp(deps);
    const store = await member.caller.stores.create({
      name: "members",
      engine: "woocommerce",
      deletionProtection: true,
    });
    await expectTrpcError(
      admin.caller.stores.delete({ id: store.id }),
      "PRECONDITION_FAILED",
      /deletionProtection is on/,
    );
    await admin.caller.stores.setDeletionProtection({ id: store.id, enabled: false });
    await admin.caller.stores.delete({ id: store.id });
    const row = await handle()
      .db.selectFrom("audit_log")
      .select("actor_user_id")
      .where("action", "=", "store.deletion-protection.off")
      .executeTakeFirstOrThrow();
    expect(row.actor_user_id).toBe(admin.user.id);
  });

  it("a store on its way out cannot be protected", async () => {
    const { caller } = await signedUp(makeDeps(handle()));
    const store = await caller.stores.create({ name: "leaving", engine: "woocommerce" });
    await caller.stores.delete({ id: store.id });
    await expectTrpcError(
      caller.stores.setDeletionProtection({ id: store.id, enabled: true }),
      "PRECONDITION_FAILED",
      /^deletionProtection: store "leaving" is being deleted; it can no longer be protected$/,
    );
    expect((await findStoreById(handle().db, store.id))?.deletion_protection).toBe(false);
  });

  describe("input", () => {
    it.each([
      [{ id: "x-store" }, "enabled", "is required"],
      [{ id: "x-store", enabled: "yes" }, "enabled", "must be true or false"],
    ])("setDeletionProtection(%j) names %s: %s", async (input, field, rule) => {
      const { caller } = await signedUp(makeDeps(handle()));
      const error = await expectTrpcError(
        caller.stores.setDeletionProtection(input as never),
        "BAD_REQUEST",
      );
      expect(getFieldErrors(error)).toEqual({ [field]: [rule] });
    });

    it("create refuses a non-boolean deletionProtection", async () => {
      const { caller } = await signedUp(makeDeps(handle()));
      const error = await expectTrpcError(
        caller.stores.create({
          name: "typed",
          engine: "woocommerce",
          deletionProtection: "on" as never,
        }),
        "BAD_REQUEST",
      );
      expect(getFieldErrors(error)).toEqual({ deletionProtection: ["must be true or false"] });
    });
  });
});
