// Level: unit. Status-only action.
import { describe, expect, it } from "vitest";
import { actionFixture } from "../../../test/action-context.ts";
import { fail } from "./fail.ts";

describe("fail", () => {
  it("ends provisioning Failed with the concrete reason", async () => {
    const reason = 'not ready after 900s: ImagePullBackOff: image "x" cannot be pulled';
    const { ctx } = actionFixture({ state: { kind: "DeadlineExceeded", reason } });
    const out = await fail(ctx);
    expect(ctx.status).toMatchObject({
      stalled: { reason: "ProvisioningDeadlineExceeded", message: reason },
      lastError: reason,
    });
    expect(out.event).toEqual({ type: "Warning", reason: "ProvisioningFailed", message: reason });
  });
});
