// The store's own namespace, labelled as ours and with Pod Security labels.
// Also repairs labels someone removed (ensureNamespace merges them back).
import type { Action } from "./types.ts";
import { emptyNamespace } from "./types.ts";

export const createNamespace: Action = async (ctx) => {
  const { desired } = ctx;
  await ctx.cluster.ensureNamespace({ name: desired.namespace, labels: desired.namespaceLabels });
  const existed = ctx.namespace !== undefined;
  const namespace = ctx.namespace
    ? { ...ctx.namespace, labels: { ...ctx.namespace.labels, ...desired.namespaceLabels } }
    : emptyNamespace(desired.namespace, desired.namespaceLabels, ctx.store.id);
  return {
    namespace,
    event: existed
      ? {
          type: "Warning",
          reason: "NamespaceRepaired",
          message: `labels of namespace ${desired.namespace} restored`,
        }
      : {
          type: "Normal",
          reason: "NamespaceCreated",
          message: `namespace ${desired.namespace} created`,
        },
  };
};
