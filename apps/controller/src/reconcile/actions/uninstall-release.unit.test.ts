// Level: unit (simulated cluster, manual clock).
import { describe, expect, it } from "vitest";
import { actionFixture, nsOf } from "../../../test/action-context.ts";
import { createNamespace } from "./create-namespace.ts";
import { installRelease } from "./install-release.ts";
import { uninstallRelease } from "./uninstall-release.ts";

describe("uninstall-release", () => {
  it("removes the release and its workloads; a second run is a no-op", async () => {
    const { sim, clock, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    await installRelease(ctx);
    await clock.advance(2_000);
    expect((await nsOf(sim, "store-shop"))?.workloads.length).toBeGreaterThan(0);
    ctx.namespace = await nsOf(sim, "store-shop");
    const out = await uninstallRelease(ctx);
    const ns = await nsOf(sim, "store-shop");
    expect(ns?.releases).toEqual([]);
    expect(ns?.workloads).toEqual([]);
    expect(out.namespace?.releases).toEqual([]);
    const helm = sim.stats().helmCommands;
    await uninstallRelease(ctx);
    expect(sim.stats().helmCommands).toBe(helm);
  });
});
