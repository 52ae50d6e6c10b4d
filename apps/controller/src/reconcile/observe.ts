// observe: a store row + its namespace as the snapshot shows it → one state
// value with a reason, plus the per-step conditions. Pure: no I/O, no clock
// of its own, so it runs again after each action on the updated local view.
import type { ConditionType, Store } from "@storeplane/db";
import type { DesiredStore } from "../desired.ts";
import {
  type HelmReleaseState,
  hasNamespaceLabels,
  type NamespaceState,
  STORE_PAUSED_PAGE,
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
  // a rollout sent the store back: its release returns by helm rollback, not a new upgrade
  | { kind: "RollbackRequested"; reason: string }
  | { kind: "ReleaseLocked"; reason: string }
  | { kind: "ReleaseInProgress"; reason: string }
  | { kind: "WorkloadsMissing"; reason: string }
  | { kind: "WorkloadsProgressing"; reason: string; problems: string[] }
  | { kind: "Ready"; reason: string; alreadyMarked: boolean }
  // every step done for a store asked to be suspended: scaled to zero, paused page up
  | { kind: "Suspended"; reason: string }
  // a restore or clone is running into the store: its app is scaled to zero on purpose
  | { kind: "Restoring"; reason: string }
  | { kind: "DeadlineExceeded"; reason: string }
  | { kind: "Failed"; reason: string }
  // deletion (Ready is False, Deleting, throughout: see status.ts)
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
  provisioningDeadlineMs: number;
  namespaceStuckMs: number;
  /** Progress stopped (Stalled) for this generation, earlier or in this pass: wait for a retry. */
  stalled: boolean;
  /** The store was already marked Ready (before or in this pass): no second StoreReady. */
  markedReady: boolean;
  /** Start of the current provisioning attempt. */
  provisioningStartedAt: Date | null;
  /** A helm install or rollback ran in this pass after the namespace's workloads were read. */
  workloadsUnread?: boolean;
  /** The restore or clone running into the store (its row is `running`), if any. */
  restoring?: { backupId: string; kind: "restore" | "clone" } | null;
}

/** What the store shows while the restore runner has it. */
export function restoringMessage(restoring: { backupId: string; kind: "restore" | "clone" }) {
  return `Restoring from backup ${restoring.backupId}${restoring.kind === "clone" ? " (clone)" : ""}: the app is scaled to zero until the restore Job is done`;
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
      ...(overdue ? { problem: true } : {}),
    };
  }
  return { state, conditions };
}

/** One provisioning step's verdict: its condition, and the state it blocks on when not done. */
interface StepVerdict {
  condition: ConditionDraft;
  blocks?: StoreState;
}

interface LiveView {
  input: ObserveInput;
  ns: NamespaceState | undefined;
  release: HelmReleaseState | undefined;
}

const done = (type: ConditionType, reason: string, message: string): StepVerdict => ({
  condition: { type, status: "True", reason, message },
});

/** State kinds that carry nothing but a reason. */
type PlainKind = Exclude<
  StoreState,
  { problems: unknown } | { alreadyMarked: unknown } | { overdue: unknown }
>["kind"];

/** A step not done that blocks on the state of the same name (condition reason = state kind). */
function blockedOn(
  type: ConditionType,
  kind: PlainKind,
  message: string,
  opts: { stateReason?: string; problem?: boolean } = {},
): StepVerdict {
  return notDone(type, kind, message, {
    blocks: { kind, reason: opts.stateReason ?? message } as StoreState,
    problem: opts.problem,
  });
}

function notDone(
  type: ConditionType,
  reason: string,
  message: string,
  opts: { blocks?: StoreState; status?: "False" | "Unknown"; problem?: boolean } = {},
): StepVerdict {
  const condition: ConditionDraft = { type, status: opts.status ?? "False", reason, message };
  if (opts.problem) condition.problem = true;
  return opts.blocks ? { condition, blocks: opts.blocks } : { condition };
}

// The steps of a live store, in order. The first step that blocks decides the
// state (and so the next action); every step reports its condition.
const LIVE_STEPS: ((v: LiveView) => StepVerdict)[] = [
  function namespaceStep({ input, ns }) {
    const t = "NamespaceReady";
    if (!ns)
      return blockedOn(
        t,
        "NamespaceMissing",
        `namespace ${input.desired.namespace} does not exist`,
      );
    if (ns.phase === "Terminating")
      return blockedOn(t, "NamespaceTerminating", `namespace ${ns.name} is still terminating`, {
        stateReason: `namespace ${ns.name} is still terminating from an earlier deletion`,
      });
    if (!hasNamespaceLabels(ns.labels, input.desired.namespaceLabels))
      return blockedOn(t, "NamespaceDrifted", "namespace labels differ from the desired ones", {
        stateReason: "namespace labels (platform or Pod Security) are missing or changed",
      });
    return done(t, "NamespaceReady", `namespace ${ns.name} is active`);
  },

  function guardrailsStep({ input, ns }) {
    const expected = input.desired.expectedGuardrails;
    const wrong = Object.keys(expected).filter((key) => ns?.guardrails[key] !== expected[key]);
    if (wrong.length > 0)
      return blockedOn(
        "GuardrailsReady",
        "GuardrailsDrifted",
        `missing or changed: ${wrong.join(", ")}`,
      );
    return done(
      "GuardrailsReady",
      "GuardrailsApplied",
      `${Object.keys(expected).length} guardrail objects in place`,
    );
  },

  // Generated once: if the Secret vanishes after the release was installed,
  // the store's databases still use the old credentials, and new ones would
  // lock the store out of its own data — so that is a failure for a human,
  // never a silent regeneration. A release still in its first pending-install
  // never ran with the Secret's values (its pods cannot start without it).
  function secretsStep({ input, ns, release }) {
    const name = input.desired.secretName;
    if (ns?.secrets.includes(name)) {
      // The registry pull Secret, when configured: a copy of the platform's, same name.
      const pull = input.desired.pullSecret;
      if (pull && !ns.secrets.includes(pull.name))
        return blockedOn(
          "SecretsReady",
          "PullSecretMissing",
          `image pull Secret ${pull.name} not yet copied from namespace ${pull.namespace}`,
        );
      return done("SecretsReady", "SecretPresent", `Secret ${name} exists`);
    }
    const installed =
      release !== undefined &&
      release.status !== "uninstalled" &&
      !(release.status === "pending-install" && release.revision === 1);
    if (installed)
      return blockedOn(
        "SecretsReady",
        "SecretLost",
        `Secret ${name} was deleted after the store was installed; its data still uses the old credentials: restore the Secret, or delete the store`,
        { problem: true },
      );
    return notDone("SecretsReady", "SecretMissing", `Secret ${name} does not exist`, {
      blocks: { kind: "SecretsMissing", reason: `Secret ${name} does not exist` },
    });
  },

  // A pending-* release at the start of a look is never this pass's own: a
  // replica runs one pass per store at a time and a pass ends only once its
  // helm has exited. So it was left by a process that died, and is unlocked.
  function releaseStep({ input, release }) {
    const t = "ReleaseReady";
    if (!release || release.status === "uninstalled")
      return blockedOn(t, "ReleaseAbsent", "not installed", {
        stateReason: "release not installed",
      });
    if (release.status.startsWith("pending-"))
      return blockedOn(
        t,
        "ReleaseLocked",
        `${release.status} with no helm running: left by a process that died`,
      );
    if (release.status === "uninstalling")
      return blockedOn(t, "ReleaseInProgress", "uninstalling", {
        stateReason: "release is uninstalling",
      });
    // A rollout's failed gate sent the store back to the version it ran
    // (stores.rollback_chart_version): helm rollback returns the release to
    // its last revision of that version, so no new upgrade runs.
    const rollback = input.store.rollback_chart_version;
    const behind =
      release.status === "failed" || release.valuesDigest !== input.desired.release.valuesDigest;
    if (rollback !== null && rollback === input.desired.chartVersion && behind)
      return blockedOn(
        t,
        "RollbackRequested",
        `revision ${release.revision} is ${release.status === "failed" ? "failed" : `not chart ${rollback}`}: rolling back to chart ${rollback}`,
      );
    if (release.status === "failed")
      return blockedOn(t, "ReleaseFailed", `revision ${release.revision} failed`);
    if (release.valuesDigest !== input.desired.release.valuesDigest)
      return blockedOn(
        t,
        "ReleaseOutOfDate",
        `values digest ${release.valuesDigest ?? "(none)"} differs from desired ${input.desired.release.valuesDigest}`,
      );
    return done(t, "ReleaseDeployed", `revision ${release.revision} deployed`);
  },

  // Readiness comes from the objects' own status: every workload has its
  // replicas ready and every remaining job completed. Warning events linger
  // for an hour after the fact (a FailedMount while a volume attached), so
  // they explain a store that is not ready but never make a ready one unready.
  function workloadsStep({ ns, release, input }) {
    const t = "WorkloadsReady";
    const deployed =
      release?.status === "deployed" && release.valuesDigest === input.desired.release.valuesDigest;
    if (!ns || !deployed)
      return notDone(t, "ReleaseNotReady", "waiting for the release", { status: "Unknown" });
    // Deleted behind helm's back (kubectl delete): reinstalling brings it back.
    // Not right after this pass's own install: helm created them, but this
    // view of the namespace was read before it ran.
    const missing = input.workloadsUnread
      ? []
      : input.desired.workloads.filter((name) => !ns.workloads.some((w) => w.name === name));
    if (missing.length > 0)
      return blockedOn(
        t,
        "WorkloadsMissing",
        `${missing.join(", ")} deleted outside the platform: reinstalling the release brings ${missing.length === 1 ? "it" : "them"} back`,
        { problem: true },
      );
    // Right after this pass's own helm run, the workloads in view are the ones
    // from before it: ready as they may look, they say nothing about the new
    // revision (a rollout's gate must not pass an upgrade on them). A first
    // install has none in view, and says so below.
    if (input.workloadsUnread && ns.workloads.length > 0)
      return notDone(t, "ReleaseApplied", "waiting to read the workloads of the new revision", {
        blocks: {
          kind: "WorkloadsProgressing",
          reason: "waiting to read the workloads of the new revision",
          problems: [],
        },
      });
    if (input.store.suspended) return suspendedWorkloads(ns);
    const settled =
      ns.workloads.length > 0 &&
      ns.workloads.every((w) => w.readyReplicas >= w.desiredReplicas) &&
      ns.jobs.every((j) => j.complete);
    if (!settled) {
      const health = summarizeStoreHealth(ns);
      return notDone(t, health.reason, health.message, {
        blocks: { kind: "WorkloadsProgressing", reason: health.message, problems: health.problems },
        problem: health.problems.length > 0,
      });
    }
    const total = ns.workloads.length;
    const jobs = ns.jobs.length > 0 ? `, ${ns.jobs.length} job(s) complete` : "";
    return done(t, "WorkloadsReady", `${total} workload${total === 1 ? "" : "s"} ready${jobs}`);
  },
];

/**
 * A suspended store's workloads are settled when every one of its own is at
 * zero replicas with none ready (its volumes stay) and the paused page is
 * serving in their place.
 */
function suspendedWorkloads(ns: NamespaceState): StepVerdict {
  const t = "WorkloadsReady";
  const own = ns.workloads.filter((w) => w.name !== STORE_PAUSED_PAGE);
  const paused = ns.workloads.find((w) => w.name === STORE_PAUSED_PAGE);
  const running = own.filter((w) => w.desiredReplicas > 0 || w.readyReplicas > 0);
  if (running.length > 0) {
    const message = `scaling to zero: ${running.map((w) => `${w.name} ${w.readyReplicas}/${w.desiredReplicas}`).join(", ")}`;
    return notDone(t, "ScalingDown", message, {
      blocks: { kind: "WorkloadsProgressing", reason: message, problems: [] },
    });
  }
  if (!paused || paused.readyReplicas < paused.desiredReplicas) {
    const health = summarizeStoreHealth(ns);
    const message = `waiting for the paused page (${STORE_PAUSED_PAGE})`;
    return notDone(t, "PausedPageStarting", message, {
      blocks: { kind: "WorkloadsProgressing", reason: message, problems: health.problems },
      problem: health.problems.length > 0,
    });
  }
  return done(
    t,
    "ScaledToZero",
    `${own.length} workload${own.length === 1 ? "" : "s"} at zero replicas, volumes and Secrets kept; the paused page answers on the store's URL`,
  );
}

function observeLive(input: ObserveInput): Observation {
  const view: LiveView = { input, ns: input.namespace, release: storeRelease(input.namespace) };
  const verdicts = LIVE_STEPS.map((step) => step(view));
  const conditions = verdicts.map((v) => v.condition);
  if (input.restoring) {
    // The app is down on purpose: neither a failing workload nor a deadline,
    // and nothing for helm to do until the restore runner scales it back.
    const message = restoringMessage(input.restoring);
    return {
      state: { kind: "Restoring", reason: message },
      conditions: conditions.map((c) =>
        c.type === "WorkloadsReady"
          ? { type: "WorkloadsReady", status: "False", reason: "Restoring", message }
          : c,
      ),
    };
  }
  const blocked = verdicts.find((v) => v.blocks)?.blocks;
  const found: StoreState =
    blocked ??
    (input.store.suspended
      ? { kind: "Suspended", reason: "scaled to zero as asked; resume to serve again" }
      : {
          kind: "Ready",
          reason: summarize(conditions).message,
          alreadyMarked: input.markedReady,
        });
  const settled = found.kind === "Ready" || found.kind === "Suspended";

  // A stalled store waits for a manual retry; it turns Ready only if it heals by itself.
  if (input.stalled && !settled) {
    return { state: { kind: "Failed", reason: input.store.last_error ?? "failed" }, conditions };
  }
  if (!settled && input.provisioningStartedAt && !input.stalled) {
    const elapsed = input.now.getTime() - input.provisioningStartedAt.getTime();
    if (elapsed > input.provisioningDeadlineMs) {
      const why =
        (found.kind === "WorkloadsProgressing" ? found.problems[0] : undefined) ?? found.reason;
      return {
        state: {
          kind: "DeadlineExceeded",
          reason: `not ready after ${Math.round(elapsed / 1000)}s: ${why}`,
        },
        conditions,
      };
    }
  }
  return { state: found, conditions };
}
