// Level: unit (simulated cluster, manual clock).
import { describe, expect, it } from "vitest";
import { actionFixture, nsOf } from "../../../test/action-context.ts";
import { desiredFor, storeRow } from "../../../test/fixtures.ts";
import { createNamespace } from "./create-namespace.ts";
import { installRelease } from "./install-release.ts";
import { rollbackRelease } from "./rollback-release.ts";

describe("rollback-release", () => {
  it("helm rollback to the last revision of the previous values: the digest is back, no upgrade", async () => {
    const { sim, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    const previous = ctx.desired;
    ctx.namespace = (await installRelease(ctx)).namespace; // revision 1: the previous values
    // Revision 2: other values (a different digest), as an upgrade to a new chart version makes.
    ctx.desired = desiredFor(storeRow({ suspended: true }));
    ctx.namespace = (await installRelease(ctx)).namespace;
    expect(ctx.desired.release.valuesDigest).not.toBe(previous.release.valuesDigest);

    ctx.desired = previous;
    const out = await rollbackRelease(ctx);
    const release = (await nsOf(sim, "store-shop"))?.releases[0];
    expect(release).toMatchObject({
      revision: 3,
      status: "deployed",
      valuesDigest: previous.release.valuesDigest,
    });
    expect(out.event).toMatchObject({ reason: "RolledBack" });
    expect(out.event?.message).toContain("revision 1");
    expect(sim.stats().rollbacks.get("store-shop/store")).toBe(1);
    expect(sim.stats().completedInstalls.get("store-shop/store")).toBe(2);
  });

  it("with no revision of those values left, one helm upgrade is the way back", async () => {
    const { sim, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    const wanted = ctx.desired;
    ctx.desired = desiredFor(storeRow({ suspended: true }));
    ctx.namespace = (await installRelease(ctx)).namespace;
    ctx.desired = wanted;
    const out = await rollbackRelease(ctx);
    expect(sim.stats().rollbacks.get("store-shop/store")).toBeUndefined();
    expect(sim.stats().completedInstalls.get("store-shop/store")).toBe(2);
    expect(out.event?.reason).toBe("ReleaseUpgraded");
    expect(out.event?.message).toContain("no revision of chart");
    expect((await nsOf(sim, "store-shop"))?.releases[0]?.valuesDigest).toBe(
      wanted.release.valuesDigest,
    );
  });
});
