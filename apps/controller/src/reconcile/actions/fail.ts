// The provisioning deadline passed: the store is Failed with the concrete
// reason (e.g. `ImagePullBackOff: image "x" …`) until someone retries it.
import type { Action } from "./types.ts";

export const fail: Action = async (ctx) => {
  ctx.status.phase = "Failed";
  ctx.status.lastError = ctx.state.reason;
  return {
    namespace: ctx.namespace,
    event: { type: "Warning", reason: "ProvisioningFailed", message: ctx.state.reason },
  };
};
