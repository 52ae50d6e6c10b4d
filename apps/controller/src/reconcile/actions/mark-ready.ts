// Every step is done: the store is Ready. Status only, no cluster call.
import type { Action } from "./types.ts";

export const markReady: Action = async (ctx) => {
  const took =
    ctx.status.provisioningStartedAt !== null
      ? ` in ${Math.round((ctx.now().getTime() - ctx.status.provisioningStartedAt.getTime()) / 1000)}s`
      : "";
  ctx.status.markedReady = true;
  ctx.status.readyAt ??= ctx.now();
  ctx.status.lastError = null;
  return {
    namespace: ctx.namespace,
    event: {
      type: "Normal",
      reason: "StoreReady",
      message: `store is ready at ${ctx.desired.storeUrl}${took}`,
    },
  };
};
