// Level: unit (simulated cluster, manual clock).
import { describe, expect, it } from "vitest";
import { actionFixture, nsOf } from "../../../test/action-context.ts";
import { createNamespace } from "./create-namespace.ts";
import { announceInstall, installRelease } from "./install-release.ts";

describe("install-release", () => {
  it("runs helm once with the desired digest; the release is pending while helm runs and deployed after", async () => {
    const { sim, clock, ctx } = actionFixture({
      latencies: { helmInstallMs: 2_000 },
      state: { kind: "ReleaseAbsent", reason: "release not installed" },
    });
    ctx.namespace = (await createNamespace(ctx)).namespace;
    const running = installRelease(ctx);
    await clock.advance(1_000);
    expect((await nsOf(sim, "store-shop"))?.releases[0]?.status).toBe("pending-install");
    await clock.advance(1_000);
    const out = await running;
    const release = (await nsOf(sim, "store-shop"))?.releases[0];
    expect(release).toMatchObject({
      status: "deployed",
      valuesDigest: ctx.desired.release.valuesDigest,
    });
    expect(out.namespace?.releases[0]).toMatchObject({
      status: "deployed",
      valuesDigest: ctx.desired.release.valuesDigest,
    });
    expect(sim.stats().completedInstalls.get("store-shop/store")).toBe(1);
    expect(out.event?.reason).toBe("ReleaseInstalled");
    // The message states what happened; the observed cause is marked as before.
    expect(out.event?.message).toMatch(/^helm upgrade --install: revision 1, values digest \S+/);
    expect(out.event?.message).toMatch(/\(before: release not installed\)$/);
  });

  it("announces its step before helm runs: installing revision 1, then upgrading revision 2", async () => {
    const { ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    expect(announceInstall(ctx)).toEqual({
      reason: "Installing",
      message: "installing release, revision 1",
    });
    ctx.namespace = (await installRelease(ctx)).namespace;
    expect(announceInstall(ctx)).toEqual({
      reason: "Upgrading",
      message: "upgrading release, revision 2",
    });
  });

  it("passes values without secrets, pointing the chart at the store Secret", () => {
    const { ctx } = actionFixture();
    expect(ctx.desired.release.values).toEqual({
      store: {
        id: ctx.store.id,
        name: "shop",
        host: "shop.localhost",
        url: "http://shop.localhost",
      },
      existingSecret: "store-credentials",
      plan: "small",
    });
    expect(ctx.desired.release.valuesFiles[0]).toMatch(/charts\/woocommerce\/values-local\.yaml$/);
  });

  it("aborted (shutdown) while helm runs: the release ends failed, never pending", async () => {
    const { sim, clock, ctx } = actionFixture({ latencies: { helmInstallMs: 5_000 } });
    ctx.namespace = (await createNamespace(ctx)).namespace;
    const abort = new AbortController();
    ctx.signal = abort.signal;
    const running = installRelease(ctx);
    await clock.advance(100);
    abort.abort();
    await expect(running).rejects.toMatchObject({ kind: "HelmFailed" });
    expect((await nsOf(sim, "store-shop"))?.releases[0]?.status).toBe("failed");
  });

  it("a release another process left pending is refused as ReleaseLocked", async () => {
    const { sim, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    sim.strandRelease("store-shop", "store");
    await expect(installRelease(ctx)).rejects.toMatchObject({ kind: "ReleaseLocked" });
  });
});
