// Level: unit (simulated cluster, manual clock).
import { describe, expect, it } from "vitest";
import { actionFixture, nsOf } from "../../../test/action-context.ts";
import { createNamespace } from "./create-namespace.ts";
import { deleteNamespace } from "./delete-namespace.ts";

describe("delete-namespace", () => {
  it("starts the deletion; the namespace terminates and is gone after a while", async () => {
    const { sim, clock, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    const out = await deleteNamespace(ctx);
    expect(out.namespace?.phase).toBe("Terminating");
    expect((await nsOf(sim, "store-shop"))?.phase).toBe("Terminating");
    await clock.advance(1_000);
    expect(await nsOf(sim, "store-shop")).toBeUndefined();
  });

  it("a namespace held by a PVC finalizer stays Terminating and says what holds it", async () => {
    const { sim, clock, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    // The engine's StatefulSet makes a volume claim; its pvc-protection finalizer is what holds.
    const install = ctx.cluster.installRelease(ctx.desired.release);
    await clock.advance(1_000);
    await install;
    await clock.advance(5_000);
    await nsOf(sim, "store-shop");
    sim.holdNamespaceTermination("store-shop");
    await ctx.cluster.uninstallRelease("store-shop", ctx.desired.release.release);
    await deleteNamespace(ctx);
    await clock.advance(60_000);
    const ns = await nsOf(sim, "store-shop");
    expect(ns?.phase).toBe("Terminating");
    expect(ns?.pvcs[0]).toMatchObject({
      phase: "Terminating",
      finalizers: ["kubernetes.io/pvc-protection"],
    });
    sim.releaseNamespaceTermination("store-shop");
    expect(await nsOf(sim, "store-shop")).toBeUndefined();
  });
});
