// Level: unit (simulated cluster, manual clock).
import { describe, expect, it } from "vitest";
import { actionFixture, nsOf } from "../../../test/action-context.ts";
import { createNamespace } from "./create-namespace.ts";
import { installRelease } from "./install-release.ts";
import { unlockRelease } from "./unlock-release.ts";

describe("unlock-release", () => {
  it("removes a never-deployed release stuck in pending-install, and asks for a fresh look", async () => {
    const { sim, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    sim.strandRelease("store-shop", "store", "pending-install");
    const out = await unlockRelease(ctx);
    expect((await nsOf(sim, "store-shop"))?.releases).toEqual([]);
    expect(out.requeueAfterMs).toBe(0);
    expect(out.event).toMatchObject({ type: "Warning", reason: "ReleaseUnlocked" });
  });

  it("rolls a pending-upgrade back to the last deployed revision", async () => {
    const { sim, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    await installRelease(ctx);
    sim.strandRelease("store-shop", "store", "pending-upgrade");
    await unlockRelease(ctx);
    expect((await nsOf(sim, "store-shop"))?.releases[0]).toMatchObject({
      status: "deployed",
      revision: 3,
    });
  });
});
