// Level: unit (simulated cluster, manual clock).
import { describe, expect, it } from "vitest";
import { actionFixture, nsOf } from "../../../test/action-context.ts";
import { createNamespace } from "./create-namespace.ts";

describe("create-namespace", () => {
  it("creates the namespace with platform and Pod Security labels", async () => {
    const { sim, ctx } = actionFixture();
    const out = await createNamespace(ctx);
    const ns = await nsOf(sim, "store-shop");
    expect(ns?.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "storeplane",
      "storeplane.io/store-id": ctx.store.id,
      "pod-security.kubernetes.io/enforce": "restricted",
    });
    expect(out.namespace?.name).toBe("store-shop");
    expect(out.event?.reason).toBe("NamespaceCreated");
  });

  it("restores labels removed from an existing namespace", async () => {
    const { sim, ctx } = actionFixture();
    await ctx.cluster.ensureNamespace({ name: "store-shop", labels: {} });
    ctx.namespace = await nsOf(sim, "store-shop");
    const out = await createNamespace(ctx);
    expect((await nsOf(sim, "store-shop"))?.labels["storeplane.io/store-name"]).toBe("shop");
    expect(out.event?.reason).toBe("NamespaceRepaired");
  });
});
