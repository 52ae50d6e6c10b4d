// The store's registry pull Secret: pods can name pull Secrets of their own
// namespace only, so the one the operator created in the platform's namespace
// (controller.storeImagePullSecret) is copied into the store's, under the same
// name the engine chart's imagePullSecrets gives. It goes away with the store's
// namespace. The data is never logged or put in an event.
import type { Action } from "./types.ts";

export const copyPullSecret: Action = async (ctx) => {
  const { desired } = ctx;
  const pull = desired.pullSecret;
  if (!pull) throw new Error("copy-pull-secret needs a configured pull Secret");
  if (!ctx.namespace) throw new Error("copy-pull-secret needs the namespace first");
  await ctx.cluster.copySecret(pull, desired.namespace, desired.secretLabels);
  return {
    namespace: {
      ...ctx.namespace,
      secrets: [...new Set([...ctx.namespace.secrets, pull.name])],
    },
    event: {
      type: "Normal",
      reason: "PullSecretCopied",
      message: `image pull Secret ${pull.name} copied from namespace ${pull.namespace}`,
    },
  };
};
