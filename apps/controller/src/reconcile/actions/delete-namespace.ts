// Deletes the store's namespace; Kubernetes removes what is left in it
// (PVCs, Secrets). The pass then waits for it to be gone.
import type { Action } from "./types.ts";

export const deleteNamespace: Action = async (ctx) => {
  const { desired } = ctx;
  await ctx.cluster.deleteNamespace(desired.namespace);
  return {
    namespace: ctx.namespace && { ...ctx.namespace, phase: "Terminating" },
    event: {
      type: "Normal",
      reason: "NamespaceDeleting",
      message: `namespace ${desired.namespace} deletion requested`,
    },
  };
};
