// Level: real database (PGlite / Postgres). Marks the row deleted, fenced by the claim.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { beforeEach, expect, it } from "vitest";
import { actionFixture } from "../../../test/action-context.ts";
import { createStores, storesById } from "../../../test/harness.ts";
import { markDeleted } from "./mark-deleted.ts";

describeEachDatabase("mark-deleted", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("sets deleted_at and phase Deleted, frees the name, and refuses without the claim", async () => {
    const [row] = await createStores(handle(), 1, { prefix: "gone" });
    const { ctx } = actionFixture({ store: { ...row!, claimed_by: "replica-a" } });
    ctx.db = handle().db;
    await expect(markDeleted(ctx)).rejects.toThrow(/claim lost/);
    await handle()
      .db.updateTable("stores")
      .set({ claimed_by: "replica-a" })
      .where("id", "=", row!.id)
      .execute();
    const out = await markDeleted(ctx);
    expect(out.deleted).toBe(true);
    const [after] = await storesById(handle(), [row!.id]);
    expect(after).toMatchObject({ phase: "Deleted", claimed_by: null });
    expect(after!.deleted_at).not.toBeNull();
    // What `storectl stores get` and the dashboard read: no step still claims a
    // Secret or workloads that went with the namespace.
    expect(after!.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      "NamespaceReady=False/StoreDeleted",
      "GuardrailsReady=False/StoreDeleted",
      "SecretsReady=False/StoreDeleted",
      "ReleaseReady=False/StoreDeleted",
      "WorkloadsReady=False/StoreDeleted",
      "Ready=False/StoreDeleted",
    ]);
    // The name can be used again.
    await handle()
      .db.insertInto("stores")
      .values({ name: row!.name, engine: "woocommerce", plan: "small", owner_id: row!.owner_id })
      .execute();
  });
});
