// Level: unit (simulated cluster, manual clock). The registry pull Secret is
// copied from the platform's namespace into the store's; observe asks for it
// only when one is configured and the copy is missing; the engine chart is
// told to use it.
import { describe, expect, it } from "vitest";
import { actionFixture, nsOf } from "../../../test/action-context.ts";
import { desiredConfig, healthyNamespace, storeRow } from "../../../test/fixtures.ts";
import { ChartCatalog, desiredStore } from "../../desired.ts";
import { observe } from "../observe.ts";
import { copyPullSecret } from "./copy-pull-secret.ts";
import { createNamespace } from "./create-namespace.ts";

const PULL = { namespace: "storeplane", name: "registry-pull" };
const DOCKER_CONFIG = '{"auths":{"ghcr.io":{"auth":"dG9rZW4="}}}';
const config = { ...desiredConfig, storeImagePullSecret: PULL };

function withPullSecret() {
  const fixture = actionFixture();
  const { ctx } = fixture;
  ctx.desired = desiredStore(ctx.store, config, new ChartCatalog(config.chartsDir, "local"));
  return fixture;
}

describe("copy-pull-secret", () => {
  it("copies the platform's pull Secret into the store namespace under the same name, data unlogged", async () => {
    const { sim, ctx } = withPullSecret();
    await ctx.cluster.ensureNamespace({ name: PULL.namespace, labels: {} });
    await ctx.cluster.ensureSecret(PULL.namespace, PULL.name, {}, () => ({
      ".dockerconfigjson": DOCKER_CONFIG,
    }));
    ctx.namespace = (await createNamespace(ctx)).namespace;

    const out = await copyPullSecret(ctx);
    expect(sim.peekSecret("store-shop", PULL.name)).toEqual({ ".dockerconfigjson": DOCKER_CONFIG });
    expect(out.namespace?.secrets).toContain(PULL.name);
    expect(out.event?.reason).toBe("PullSecretCopied");
    expect(out.event?.message).not.toContain(DOCKER_CONFIG);
    // The snapshot sees the copy as the platform's (so observe stops asking).
    expect((await nsOf(sim, "store-shop"))?.secrets).toContain(PULL.name);
  });

  it("fails with the missing source named when the operator has not created it", async () => {
    const { ctx } = withPullSecret();
    await ctx.cluster.ensureNamespace({ name: PULL.namespace, labels: {} });
    ctx.namespace = (await createNamespace(ctx)).namespace;
    await expect(copyPullSecret(ctx)).rejects.toMatchObject({
      code: "NotFound",
      message: expect.stringContaining("storeplane/registry-pull"),
    });
  });

  it("refuses to run without a configured pull Secret (plan never asks then)", async () => {
    const { ctx } = actionFixture();
    ctx.namespace = (await createNamespace(ctx)).namespace;
    await expect(copyPullSecret(ctx)).rejects.toThrow(/needs a configured pull Secret/);
  });
});

describe("observe and desired with a pull Secret configured", () => {
  const store = storeRow();
  const desired = desiredStore(store, config, new ChartCatalog(config.chartsDir, "local"));
  const input = {
    store,
    desired,
    now: new Date(),
    provisioningDeadlineMs: 15 * 60_000,
    namespaceStuckMs: 120_000,
    stalled: false,
    markedReady: false,
    provisioningStartedAt: new Date(),
  };

  it("asks for the copy when it is missing, after the credentials", () => {
    const ns = healthyNamespace(desired);
    expect(observe({ ...input, namespace: ns }).state.kind).toBe("PullSecretMissing");
    // The store's own credentials come first (here installed, so their loss is SecretLost).
    const noCredentials = { ...ns, secrets: [] };
    expect(observe({ ...input, namespace: noCredentials }).state.kind).toBe("SecretLost");
  });

  it("moves on once the copy exists", () => {
    const ns = healthyNamespace(desired);
    const copied = { ...ns, secrets: [...ns.secrets, PULL.name] };
    expect(observe({ ...input, namespace: copied }).state.kind).not.toBe("PullSecretMissing");
  });

  it("passes imagePullSecrets to the engine chart, and none without the setting", () => {
    expect(desired.release.values.imagePullSecrets).toEqual([{ name: PULL.name }]);
    const plain = desiredStore(store, desiredConfig, new ChartCatalog(config.chartsDir, "local"));
    expect(plain.release.values.imagePullSecrets).toBeUndefined();
    expect(plain.pullSecret).toBeNull();
  });
});
