// The status a pass writes, after Flux's helm-controller: the step conditions
// observe reported, `Reconciling` while work is under way, `Stalled` when
// progress stopped until someone acts, `Ready` summarising — and the phase,
// derived from those conditions here and nowhere else.
import type { Condition, Phase, Store } from "@storeplane/db";
import { type ConditionDraft, isTrue, summarize } from "./conditions.ts";

export interface Progress {
  reason: string;
  message: string;
}

/** What the pass found out about the store besides the step conditions. */
export interface PassVerdict {
  /** Deletion requested: Ready is False for that reason, whatever the steps say. */
  deleting: boolean;
  /** Progress stopped (terminal error, deadline, lost Secret): no retry until asked. */
  stalled: Progress | null;
  /** Work still under way (or retrying); null once the store is Ready or Stalled. */
  reconciling: Progress | null;
  /** Asked to be suspended and settled so (every step done, scaled to zero). */
  suspended?: boolean;
  /**
   * A restore or clone is running into the store (the restore runner scaled
   * its app to zero): Ready is False for that reason and the phase is Restoring.
   */
  restoring?: Progress | null;
}

/** Ready's reason while a restore runs; derivePhase maps it to the Restoring phase. */
export const RESTORING_REASON = "Restoring";

const SUSPENDED: Progress = {
  reason: "Suspended",
  message:
    "suspended: workloads at zero replicas, data, volumes and Secrets kept; resume to serve again",
};

/** The abnormal-true conditions and Ready, computed from the steps and the verdict. */
export function statusConditions(
  steps: readonly ConditionDraft[],
  verdict: PassVerdict,
): ConditionDraft[] {
  const stepsOnly = steps.filter((d) => d.type !== "Ready");
  const suspended = verdict.suspended === true && !verdict.deleting && !verdict.stalled;
  const restoring = verdict.deleting ? null : (verdict.restoring ?? null);
  const ready: ConditionDraft = verdict.deleting
    ? { type: "Ready", status: "False", reason: "Deleting", message: "deletion requested" }
    : restoring
      ? { type: "Ready", status: "False", reason: RESTORING_REASON, message: restoring.message }
      : suspended
        ? { type: "Ready", status: "False", ...SUSPENDED }
        : summarize(stepsOnly, verdict.stalled);
  // A suspended store is as settled as a Ready one: nothing is under way.
  // A restoring one is under way: the restore runner's, not helm's.
  const reconciling = restoring
    ? restoring
    : ready.status === "True" || suspended
      ? null
      : verdict.reconciling;
  return [
    ...stepsOnly,
    ready,
    reconciling
      ? { type: "Reconciling", status: "True", ...reconciling }
      : { type: "Reconciling", status: "False", reason: "", message: "" },
    verdict.stalled
      ? { type: "Stalled", status: "True", ...verdict.stalled }
      : { type: "Stalled", status: "False", reason: "", message: "" },
    suspended
      ? { type: "Suspended", status: "True", ...SUSPENDED }
      : { type: "Suspended", status: "False", reason: "", message: "" },
  ];
}

/** The phase a store is in, from its conditions (Deleted is set by mark-deleted alone). */
export function derivePhase(
  store: Pick<Store, "deletion_requested_at">,
  conditions: readonly (Pick<Condition, "type" | "status"> & { reason?: string })[],
): Phase {
  if (store.deletion_requested_at) return "Deleting";
  const ready = conditions.find((c) => c.type === "Ready");
  if (ready?.status === "False" && ready.reason === RESTORING_REASON) return "Restoring";
  if (isTrue(conditions, "Stalled")) return "Failed";
  if (isTrue(conditions, "Suspended")) return "Suspended";
  if (isTrue(conditions, "Ready")) return "Ready";
  return "Provisioning";
}

/**
 * The stall that still holds at the start of a pass: a Failed store stays
 * Failed for its generation; a new generation (a manual retry, a new spec)
 * or a deletion starts over.
 */
export function carriedStall(store: Store): Progress | null {
  if (store.deletion_requested_at || store.generation > store.observed_generation) return null;
  if (store.phase !== "Failed") return null;
  const stalled = (store.conditions ?? []).find((c) => c.type === "Stalled" && c.status === "True");
  return stalled
    ? { reason: stalled.reason, message: stalled.message }
    : { reason: "Failed", message: store.last_error ?? "failed" };
}
