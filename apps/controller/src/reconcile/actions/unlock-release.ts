// A release left pending-* by a helm process that died: roll back to the last
// good revision, or remove a never-deployed one. What remains is only known
// from the next snapshot, so the pass ends here and looks again at once.
import { STORE_RELEASE_NAME } from "../../k8s.ts";
import type { Action, Announce } from "./types.ts";

export const announceUnlock: Announce = (ctx) => {
  const release = ctx.namespace?.releases.find((r) => r.name === STORE_RELEASE_NAME);
  const status = release?.status ?? "pending";
  return (release?.revision ?? 1) > 1
    ? { reason: "RollingBack", message: `rolling back release stuck in ${status}` }
    : { reason: "Unlocking", message: `removing never-deployed release stuck in ${status}` };
};

export const unlockRelease: Action = async (ctx) => {
  const { desired } = ctx;
  await ctx.cluster.unlockRelease(desired.namespace, STORE_RELEASE_NAME, { signal: ctx.signal });
  return {
    namespace: ctx.namespace,
    requeueAfterMs: 0,
    event: {
      type: "Warning",
      reason: "ReleaseUnlocked",
      message: `recovered a stuck release: ${ctx.state.reason}`,
    },
  };
};
