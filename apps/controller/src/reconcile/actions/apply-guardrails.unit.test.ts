// Level: unit (simulated cluster, manual clock).
import { describe, expect, it } from "vitest";
import { actionFixture, nsOf } from "../../../test/action-context.ts";
import { applyGuardrails } from "./apply-guardrails.ts";
import { createNamespace } from "./create-namespace.ts";

describe("apply-guardrails", () => {
  it("applies quota, limit range and network policies with their spec digests", async () => {
    const { sim, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    const out = await applyGuardrails(ctx);
    const ns = await nsOf(sim, "store-shop");
    expect(ns?.guardrails).toEqual(ctx.desired.expectedGuardrails);
    expect(Object.keys(ns?.guardrails ?? {})).toEqual(
      expect.arrayContaining([
        "ResourceQuota/storeplane-quota",
        "LimitRange/storeplane-limits",
        "NetworkPolicy/default-deny",
      ]),
    );
    expect(out.namespace?.guardrails).toEqual(ctx.desired.expectedGuardrails);
  });

  it("fails (to be retried) when the namespace is terminating", async () => {
    const { ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    await ctx.cluster.deleteNamespace("store-shop");
    await expect(applyGuardrails(ctx)).rejects.toMatchObject({
      name: "KubeError",
      code: "Forbidden",
    });
  });
});
