// Everything the store owned is gone: mark the row deleted (the name is free
// again). Fenced by the claim, like every status write. The conditions are
// rewritten here, at the one point the deletion is recorded, so no step can
// go on saying True for a Secret or workloads that no longer exist.
import {
  CONDITION_TYPES,
  type Condition,
  type ConditionType,
  markStoreDeleted,
} from "@storeplane/db";
import type { DesiredStore } from "../../desired.ts";
import { mergeConditions } from "../conditions.ts";
import type { Action } from "./types.ts";

export const markDeleted: Action = async (ctx) => {
  const ok = await markStoreDeleted(ctx.db, {
    storeId: ctx.store.id,
    owner: ctx.owner,
    conditions: deletedConditions(ctx.conditions, ctx.desired, ctx.store.generation, ctx.now()),
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

/** Every step False with reason StoreDeleted, saying what went with it. */
export function deletedConditions(
  previous: Condition[],
  desired: Pick<DesiredStore, "namespace" | "secretName">,
  generation: number,
  now: Date,
): Condition[] {
  const gone = `deleted with namespace ${desired.namespace}`;
  const messages: Record<ConditionType, string> = {
    NamespaceReady: `namespace ${desired.namespace} deleted`,
    GuardrailsReady: `quota, limits and network policies ${gone}`,
    SecretsReady: `Secret ${desired.secretName} ${gone}`,
    ReleaseReady: "Helm release uninstalled",
    WorkloadsReady: `workloads and their data ${gone}`,
    Ready: "the store is deleted",
    Reconciling: "nothing left to reconcile",
    Stalled: "the store is deleted",
    Suspended: "the store is deleted",
  };
  return mergeConditions(
    previous,
    CONDITION_TYPES.map((type) => ({
      type,
      status: "False" as const,
      reason: "StoreDeleted",
      message: messages[type],
    })),
    generation,
    now,
  ).conditions;
}
