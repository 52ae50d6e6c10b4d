// observe: a store row + its namespace as the snapshot shows it → one state
// value with a reason, plus the per-step conditions. Pure: no I/O, no clock
// of its own, so it runs again after each action on the updated local view.
import type { Store } from "@storeplane/db";
import type { DesiredStore } from "../desired.ts";
import {
  type HelmReleaseState,
  hasNamespaceLabels,
  type NamespaceState,
  STORE_RELEASE_NAME,
  summarizeStoreHealth,
  whatHoldsNamespace,
} from "../k8s.ts";
import { type ConditionDraft, summarize } from "./conditions.ts";

export type StoreState =
  // live store, in the order the plan walks them
  | { kind: "NamespaceMissing"; reason: string }
  | { kind: "NamespaceDrifted"; reason: string }
  | { kind: "NamespaceTerminating"; reason: string }
  | { kind: "GuardrailsDrifted"; reason: string }
  | { kind: "SecretsMissing"; reason: string }
  | { kind: "SecretLost"; reason: string }
  | { kind: "PullSecretMissing"; reason: string }
  | { kind: "ReleaseAbsent"; reason: string }
  | { kind: "ReleaseFailed"; reason: string }
  | { kind: "ReleaseOutOfDate"; reason: string }
  | { kind: "ReleaseLocked"; reason: string }
  | { kind: "ReleaseInProgress"; reason: string }
  | { kind: "WorkloadsProgressing"; reason: string; problems: string[] }
  | { kind: "Ready"; reason: string; alreadyMarked: boolean }
  | { kind: "DeadlineExceeded"; reason: string }
  | { kind: "Failed"; reason: string }
  // deletion
  | { kind: "DeletingRelease"; reason: string }
  | { kind: "DeletingNamespace"; reason: string }
  | { kind: "WaitingNamespaceGone"; reason: string; overdue: boolean; holders: string[] }
  | { kind: "Gone"; reason: string };

export type StateKind = StoreState["kind"];

export interface ObserveInput {
  store: Store;
  /** The store's namespace in the (local, updated) snapshot; undefined when absent. */
  namespace: NamespaceState | undefined;
  desired: DesiredStore;
  now: Date;
  /** Namespaces with a helm command running in THIS process right now. */
  helmInFlight: ReadonlySet<string>;
  provisioningDeadlineMs: number;
  namespaceStuckMs: number;
  /** The status phase this pass has reached so far (it may change within a pass). */
  phase: Store["phase"];
  /** Start of the current provisioning attempt. */
  provisioningStartedAt: Date | null;
}

export interface Observation {
  state: StoreState;
  conditions: ConditionDraft[];
}

function storeRelease(ns: NamespaceState | undefined): HelmReleaseState | undefined {
  return ns?.releases.find((r) => r.name === STORE_RELEASE_NAME);
}

export function observe(input: ObserveInput): Observation {
  return input.store.deletion_requested_at ? observeDeletion(input) : observeLive(input);
}

function observeDeletion(input: ObserveInput): Observation {
  const ns = input.namespace;
  const release = storeRelease(ns);
  const gone = !ns;
  const conditions: ConditionDraft[] = [
    gone
      ? {
          type: "NamespaceReady",
          status: "False",
          reason: "NamespaceDeleted",
          message: "namespace removed",
        }
      : {
          type: "NamespaceReady",
          status: "False",
          reason: "Deleting",
          message: `namespace ${ns.name} is ${ns.phase}`,
        },
    release
      ? {
          type: "ReleaseReady",
          status: "False",
          reason: "Uninstalling",
          message: `release ${release.name} is being removed`,
        }
      : { type: "ReleaseReady", status: "False", reason: "Uninstalled", message: "no release" },
    { type: "Ready", status: "False", reason: "Deleting", message: "deletion requested" },
  ];
  let state: StoreState;
  if (!ns) state = { kind: "Gone", reason: "the namespace and everything in it is gone" };
  else if (release && ns.phase === "Active")
    state = { kind: "DeletingRelease", reason: `release ${release.name} is ${release.status}` };
  else if (ns.phase === "Active")
    state = { kind: "DeletingNamespace", reason: `namespace ${ns.name} still exists` };
  else {
    const since = input.store.deletion_requested_at as Date;
    const overdue = input.now.getTime() - new Date(since).getTime() > input.namespaceStuckMs;
    const holders = overdue ? whatHoldsNamespace(ns) : [];
    state = {
      kind: "WaitingNamespaceGone",
      reason: overdue
        ? `namespace ${ns.name} stuck terminating: ${holders.join("; ")}`
        : `namespace ${ns.name} is terminating`,
      overdue,
      holders,
    };
    conditions[0] = {
      type: "NamespaceReady",
      status: "False",
      reason: overdue ? "NamespaceStuckTerminating" : "Terminating",
      message: state.reason,
    };
  }
  return { state, conditions };
}

function observeLive(input: ObserveInput): Observation {
  const { desired, helmInFlight } = input;
  const ns = input.namespace;
  const drafts: ConditionDraft[] = [];
  let state = null as StoreState | null;
  const first = (s: StoreState) => {
    state ??= s;
  };

  // Namespace
  if (!ns) {
    drafts.push({
      type: "NamespaceReady",
      status: "False",
      reason: "NamespaceMissing",
      message: `namespace ${desired.namespace} does not exist`,
    });
    first({ kind: "NamespaceMissing", reason: `namespace ${desired.namespace} does not exist` });
  } else if (ns.phase === "Terminating") {
    drafts.push({
      type: "NamespaceReady",
      status: "False",
      reason: "NamespaceTerminating",
      message: `namespace ${ns.name} is still terminating`,
    });
    first({
      kind: "NamespaceTerminating",
      reason: `namespace ${ns.name} is still terminating from an earlier deletion`,
    });
  } else if (!hasNamespaceLabels(ns.labels, desired.namespaceLabels)) {
    drafts.push({
      type: "NamespaceReady",
      status: "False",
      reason: "NamespaceDrifted",
      message: "namespace labels differ from the desired ones",
    });
    first({
      kind: "NamespaceDrifted",
      reason: "namespace labels (platform or Pod Security) are missing or changed",
    });
  } else {
    drafts.push({
      type: "NamespaceReady",
      status: "True",
      reason: "NamespaceReady",
      message: `namespace ${ns.name} is active`,
    });
  }

  // Guardrails
  const wrong = Object.entries(desired.expectedGuardrails)
    .filter(([key, digest]) => ns?.guardrails[key] !== digest)
    .map(([key]) => key);
  if (wrong.length > 0) {
    const message = `missing or changed: ${wrong.join(", ")}`;
    drafts.push({ type: "GuardrailsReady", status: "False", reason: "GuardrailsDrifted", message });
    first({ kind: "GuardrailsDrifted", reason: message });
  } else {
    drafts.push({
      type: "GuardrailsReady",
      status: "True",
      reason: "GuardrailsApplied",
      message: `${Object.keys(desired.expectedGuardrails).length} guardrail objects in place`,
    });
  }

  // Secrets. Generated once: if the Secret vanishes after the release was
  // installed, the store's databases still use the old credentials, and new
  // ones would lock the store out of its own data — so that is a failure for
  // a human, never a silent regeneration.
  // A release still in its first pending-install never ran with the Secret's
  // values (its pods cannot start without the Secret), so it does not count.
  const installed = (ns?.releases ?? []).some(
    (r) =>
      r.name === STORE_RELEASE_NAME &&
      r.status !== "uninstalled" &&
      !(r.status === "pending-install" && r.revision === 1),
  );
  if (!ns?.secrets.includes(desired.secretName) && installed) {
    const message = `Secret ${desired.secretName} was deleted after the store was installed; its data still uses the old credentials: restore the Secret, or delete the store`;
    drafts.push({ type: "SecretsReady", status: "False", reason: "SecretLost", message });
    first({ kind: "SecretLost", reason: message });
  } else if (!ns?.secrets.includes(desired.secretName)) {
    drafts.push({
      type: "SecretsReady",
      status: "False",
      reason: "SecretMissing",
      message: `Secret ${desired.secretName} does not exist`,
    });
    first({ kind: "SecretsMissing", reason: `Secret ${desired.secretName} does not exist` });
  } else {
    drafts.push({
      type: "SecretsReady",
      status: "True",
      reason: "SecretPresent",
      message: `Secret ${desired.secretName} exists`,
    });
  }
  // The registry pull Secret, when configured: a copy of the platform's, same name.
  const pull = desired.pullSecret;
  if (pull && ns && !ns.secrets.includes(pull.name))
    first({
      kind: "PullSecretMissing",
      reason: `image pull Secret ${pull.name} not yet copied from namespace ${pull.namespace}`,
    });

  // Release
  const release = storeRelease(ns);
  let releaseDeployed = false;
  if (!release || release.status === "uninstalled") {
    drafts.push({
      type: "ReleaseReady",
      status: "False",
      reason: "ReleaseAbsent",
      message: "not installed",
    });
    first({ kind: "ReleaseAbsent", reason: "release not installed" });
  } else if (release.status.startsWith("pending-")) {
    const here = helmInFlight.has(desired.namespace);
    const message = here
      ? `${release.status} (helm running in this controller)`
      : `${release.status} with no helm running here: left by a process that died`;
    drafts.push({
      type: "ReleaseReady",
      status: "False",
      reason: here ? "ReleaseInProgress" : "ReleaseLocked",
      message,
    });
    first(
      here
        ? { kind: "ReleaseInProgress", reason: message }
        : { kind: "ReleaseLocked", reason: message },
    );
  } else if (release.status === "uninstalling") {
    drafts.push({
      type: "ReleaseReady",
      status: "False",
      reason: "ReleaseInProgress",
      message: "uninstalling",
    });
    first({ kind: "ReleaseInProgress", reason: "release is uninstalling" });
  } else if (release.status === "failed") {
    drafts.push({
      type: "ReleaseReady",
      status: "False",
      reason: "ReleaseFailed",
      message: `revision ${release.revision} failed`,
    });
    first({ kind: "ReleaseFailed", reason: `revision ${release.revision} failed` });
  } else if (release.valuesDigest !== desired.release.valuesDigest) {
    const message = `values digest ${release.valuesDigest ?? "(none)"} differs from desired ${desired.release.valuesDigest}`;
    drafts.push({ type: "ReleaseReady", status: "False", reason: "ReleaseOutOfDate", message });
    first({ kind: "ReleaseOutOfDate", reason: message });
  } else {
    releaseDeployed = true;
    drafts.push({
      type: "ReleaseReady",
      status: "True",
      reason: "ReleaseDeployed",
      message: `revision ${release.revision} deployed`,
    });
  }

  // Workloads
  let problems: string[] = [];
  if (ns && releaseDeployed) {
    const health = summarizeStoreHealth(ns);
    // Readiness comes from the objects' own status: every workload has its
    // replicas ready and every remaining job completed. Warning events
    // linger for an hour after the fact (a FailedMount while a volume
    // attached), so they explain a store that is not ready but never make a
    // ready one unready.
    const settled =
      ns.workloads.length > 0 &&
      ns.workloads.every((w) => w.readyReplicas >= w.desiredReplicas) &&
      ns.jobs.every((j) => j.complete);
    problems = settled ? [] : health.problems;
    const total = ns.workloads.length;
    drafts.push(
      settled
        ? {
            type: "WorkloadsReady",
            status: "True",
            reason: "WorkloadsReady",
            message: `${total} workload${total === 1 ? "" : "s"} ready${ns.jobs.length > 0 ? `, ${ns.jobs.length} job(s) complete` : ""}`,
          }
        : {
            type: "WorkloadsReady",
            status: "False",
            reason: health.reason,
            message: health.message,
          },
    );
    if (!settled) first({ kind: "WorkloadsProgressing", reason: health.message, problems });
  } else {
    drafts.push({
      type: "WorkloadsReady",
      status: "Unknown",
      reason: "ReleaseNotReady",
      message: "waiting for the release",
    });
  }

  const summary = summarize(drafts);
  drafts.push(summary);
  const ready: StoreState = {
    kind: "Ready",
    reason: summary.message,
    alreadyMarked: input.phase === "Ready",
  };
  const found: StoreState = state ?? ready;

  // A Failed store waits for a manual retry; it turns Ready only if it heals by itself.
  if (
    input.phase === "Failed" &&
    input.store.observed_generation >= input.store.generation &&
    found.kind !== "Ready"
  ) {
    return {
      state: { kind: "Failed", reason: input.store.last_error ?? "failed" },
      conditions: drafts,
    };
  }
  if (found.kind !== "Ready" && input.provisioningStartedAt && input.phase !== "Failed") {
    const elapsed = input.now.getTime() - input.provisioningStartedAt.getTime();
    if (elapsed > input.provisioningDeadlineMs) {
      const why = problems[0] ?? found.reason;
      return {
        state: {
          kind: "DeadlineExceeded",
          reason: `not ready after ${Math.round(elapsed / 1000)}s: ${why}`,
        },
        conditions: drafts,
      };
    }
  }
  return { state: found, conditions: drafts };
}
