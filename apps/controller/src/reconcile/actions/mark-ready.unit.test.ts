// Level: unit. Status-only action.
import { describe, expect, it } from "vitest";
import { actionFixture } from "../../../test/action-context.ts";
import { markReady } from "./mark-ready.ts";

describe("mark-ready", () => {
  it("marks Ready and sets readyAt, clears the error, and makes no cluster call", async () => {
    const { sim, clock, ctx } = actionFixture();
    ctx.status.lastError = "earlier";
    await clock.advance(42_000);
    const out = await markReady(ctx);
    expect(ctx.status).toMatchObject({
      markedReady: true,
      lastError: null,
      readyAt: new Date(clock.now()),
    });
    expect(out.event?.message).toContain("http://shop.localhost");
    expect(out.event?.message).toContain("42s");
    expect(Object.values(sim.stats().calls).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
