// helm upgrade --install of the engine chart. Runs only when plan says so:
// release absent, failed, or its values digest differs from the desired one.
import { STORE_RELEASE_NAME } from "../../k8s.ts";
import type { Action, ActionContext, Announce } from "./types.ts";

function current(ctx: ActionContext) {
  const before = ctx.namespace?.releases.find((r) => r.name === STORE_RELEASE_NAME);
  // helm counts revisions on, through failed and superseded ones alike.
  const revision = (before?.revision ?? 0) + 1;
  // A failed first install is installed again, not upgraded.
  const upgrade =
    before !== undefined && before.status !== "failed" && before.status !== "uninstalled";
  return { before, revision, upgrade };
}

export const announceInstall: Announce = (ctx) => {
  const { revision, upgrade } = current(ctx);
  return upgrade
    ? { reason: "Upgrading", message: `upgrading release, revision ${revision}` }
    : { reason: "Installing", message: `installing release, revision ${revision}` };
};

export const installRelease: Action = async (ctx) => {
  const { desired } = ctx;
  if (!ctx.namespace) throw new Error("install-release needs the namespace first");
  const { revision, upgrade } = current(ctx);
  await ctx.cluster.installRelease(desired.release, { signal: ctx.signal });
  const releases = [
    ...ctx.namespace.releases.filter((r) => r.name !== STORE_RELEASE_NAME),
    {
      name: STORE_RELEASE_NAME,
      namespace: desired.namespace,
      revision,
      status: "deployed" as const,
      valuesDigest: desired.release.valuesDigest,
    },
  ];
  return {
    // Workloads are not known yet: the next snapshot shows them.
    namespace: { ...ctx.namespace, releases },
    event: {
      type: "Normal",
      reason: upgrade ? "ReleaseUpgraded" : "ReleaseInstalled",
      // The observed state is why helm ran, not what holds now: say "before"
      // so "ReleaseInstalled" is never followed by "release not installed".
      message: `helm upgrade --install: revision ${revision}, values digest ${desired.release.valuesDigest} (before: ${ctx.state.reason})`,
    },
  };
};
