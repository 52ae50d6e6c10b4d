// Progress stopped: the provisioning deadline passed (retries are exhausted),
// or the store's Secret was lost. Stalled=True with the concrete reason (e.g.
// `ImagePullBackOff: image "x" …`) — so the store is Failed — until someone retries it.
import type { Action } from "./types.ts";

export const fail: Action = async (ctx) => {
  ctx.status.stalled = {
    reason: ctx.state.kind === "DeadlineExceeded" ? "ProvisioningDeadlineExceeded" : ctx.state.kind,
    message: ctx.state.reason,
  };
  ctx.status.lastError = ctx.state.reason;
  return {
    namespace: ctx.namespace,
    event: { type: "Warning", reason: "ProvisioningFailed", message: ctx.state.reason },
  };
};
