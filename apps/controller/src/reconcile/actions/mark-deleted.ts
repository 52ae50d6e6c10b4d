// Everything the store owned is gone: mark the row deleted (the name is free
// again). Fenced by the claim, like every status write.
import { markStoreDeleted } from "@storeplane/db";
import type { Action } from "./types.ts";

export const markDeleted: Action = async (ctx) => {
  const ok = await markStoreDeleted(ctx.db, {
    storeId: ctx.store.id,
    owner: ctx.owner,
    conditions: ctx.conditions,
    observedGeneration: ctx.store.generation,
  });
  if (!ok) throw new Error("claim lost before the store could be marked deleted");
  return {
    namespace: undefined,
    deleted: true,
    event: {
      type: "Normal",
      reason: "StoreDeleted",
      message: `namespace ${ctx.desired.namespace} and everything in it removed`,
    },
  };
};
