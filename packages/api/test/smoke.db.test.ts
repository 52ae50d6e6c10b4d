import { describeEachDatabase } from "@storeplane/db/testing";
import { expect, it } from "vitest";
import { makeDeps, signedUp } from "./helpers.ts";

describeEachDatabase("api smoke", ({ handle }) => {
  it("signs up, creates a token and a store, lists and deletes it", async () => {
    const deps = makeDeps(handle());
    const { user, caller } = await signedUp(deps);
    expect(user.role).toBe("admin");
    const { token } = await caller.tokens.create({ name: "ci" });
    expect(token).toMatch(/^sp_/);
    const store = await caller.stores.create({
      name: "my-shop",
      engine: "woocommerce",
      plan: "small",
    });
    expect(store.storeUrl).toBe("http://my-shop.localhost");
    expect(store.adminUrl).toBe("http://my-shop.localhost/wp-admin/");
    expect((await caller.stores.list()).map((s) => s.name)).toEqual(["my-shop"]);
    const deleted = await caller.stores.delete({ id: "my-shop" });
    expect(deleted.phase).toBe("Deleting");
    expect(deleted.generation).toBe(2);
  });
});
