// Level: unit (simulated cluster, manual clock).
import { describe, expect, it } from "vitest";
import { actionFixture } from "../../../test/action-context.ts";
import { createNamespace } from "./create-namespace.ts";
import { createSecrets } from "./create-secrets.ts";

describe("create-secrets", () => {
  it("generates every key once with strong random values and never regenerates", async () => {
    const { sim, ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    const first = await createSecrets(ctx);
    const secret = sim.peekSecret("store-shop", "store-credentials")!;
    expect(Object.keys(secret).sort()).toEqual([
      "admin-email",
      "admin-password",
      "admin-username",
      "cookie-secret",
      "database-password",
      "database-root-password",
      "jwt-secret",
    ]);
    expect(secret["admin-password"]!.length).toBeGreaterThanOrEqual(32);
    expect(secret["admin-password"]).not.toBe(secret["database-password"]);
    expect(first.event?.reason).toBe("SecretsCreated");
    // The event never carries a credential.
    for (const v of Object.values(secret)) expect(first.event?.message).not.toContain(v);

    const again = await createSecrets(ctx);
    expect(sim.peekSecret("store-shop", "store-credentials")).toEqual(secret);
    expect(again.event?.reason).toBe("SecretsFound");
  });
});
