// A release left pending-* by a helm process that died: roll back to the last
// good revision, or remove a never-deployed one. What remains is only known
// from the next snapshot, so the pass ends here and looks again at once.
import { STORE_RELEASE_NAME } from "../../k8s.ts";
import type { Action } from "./types.ts";

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
