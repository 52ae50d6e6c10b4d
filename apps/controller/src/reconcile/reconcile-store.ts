// The thin outer reconcile of one store (after Flux's helm-controller): run the
// actions — observe → plan → act, one at a time, re-observing the local view
// after each, announcing long ones as Reconciling — then, whatever happened
// (success, error, claim lost), write the status that follows from it.
import {
  activeRestoreForStore,
  appendStoreEvents,
  type Condition,
  type Database,
  type Phase,
  recordReconcileProgress,
  recordReconcileResult,
  STEP_CONDITION_TYPES,
  type Store,
  type StoreEventInput,
  storeUrls,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import {
  type ChartCatalog,
  type DesiredConfig,
  type DesiredStore,
  desiredStore,
  storeSite,
} from "../desired.ts";
import type { Cluster, ClusterSnapshot, NamespaceState } from "../k8s.ts";
import { ACTIONS, ANNOUNCE } from "./actions/index.ts";
import type { ActionContext, StatusDraft } from "./actions/types.ts";
import { type ConditionDraft, mergeConditions, severityOf, type Transition } from "./conditions.ts";
import { ActionError, backoffDelay, classifyError, jittered, type PassResult } from "./errors.ts";
import { type Observation, observe, restoringMessage } from "./observe.ts";
import { type ActionName, plan } from "./plan.ts";
import { carriedStall, derivePhase, type Progress, statusConditions } from "./status.ts";

export interface ReconcileConfig extends DesiredConfig {
  provisioningDeadlineMs: number;
  namespaceStuckMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  driftIntervalMs: number;
  progressIntervalMs: number;
}

export interface ReconcileDeps {
  db: Kysely<Database>;
  cluster: Cluster;
  config: ReconcileConfig;
  charts: ChartCatalog;
  /** Claim owner, the replica id. */
  owner: string;
  logger: Logger;
  /** Shared by the batch: one cluster-wide snapshot for many stores. */
  snapshot: () => Promise<ClusterSnapshot>;
  signal: AbortSignal;
  now?: () => Date;
  random?: () => number;
}

export interface ReconcileReport {
  result: PassResult;
  phase: Phase;
  actions: ActionName[];
  /** When the store is due again (null once deleted). */
  nextReconcileAt: Date | null;
  failureCount: number;
}

/** Everything one pass learns, filled in by the action loop and read by the status write. */
interface Pass {
  store: Store;
  log: Logger;
  now: () => Date;
  status: StatusDraft;
  conditions: Condition[];
  events: StoreEventInput[];
  actions: ActionName[];
  desired: DesiredStore | null;
  observation: Observation | null;
  /** The restore or clone running into the store, read at the start of the pass. */
  restoring: { backupId: string; kind: "restore" | "clone" } | null;
}

export async function reconcileStore(deps: ReconcileDeps, store: Store): Promise<ReconcileReport> {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({
    storeId: store.id,
    store: store.name,
    generation: store.generation,
  });
  const pass: Pass = {
    store,
    log,
    now,
    status: initialStatus(store, now()),
    conditions: store.conditions ?? [],
    events: [],
    actions: [],
    desired: null,
    observation: null,
    restoring: null,
  };
  let result: PassResult;
  let failureCount = store.failure_count;
  let reconciling: Progress | null = null;
  try {
    if (!store.deletion_requested_at) {
      const restore = await activeRestoreForStore(deps.db, store.id);
      if (restore?.status === "running")
        pass.restoring = { backupId: restore.backup_id, kind: restore.kind };
      // Back from a restore: the app starting again is a new attempt, with its own deadline.
      else if (store.phase === "Restoring") pass.status.provisioningStartedAt = now();
    }
    result = await runActions(deps, pass);
    failureCount = 0;
    if (!pass.status.stalled) pass.status.lastError = null;
    if (result.kind === "requeue-after")
      reconciling = { reason: "Progressing", message: result.reason };
  } catch (error) {
    ({ result, failureCount, reconciling } = onError(deps, pass, error, failureCount));
  }
  const nextReconcileAt =
    result.kind === "deleted"
      ? null
      : new Date(now().getTime() + delayOf(deps, result, failureCount));
  const phase = nextReconcileAt
    ? await writeStatus(deps, pass, { reconciling, failureCount, nextReconcileAt })
    : "Deleted";
  try {
    await appendStoreEvents(deps.db, store.id, `controller:${deps.owner}`, pass.events);
  } catch (error) {
    log.error({ err: error }, "could not record store events");
  }
  if (pass.actions.length > 0 || result.kind !== "requeue-after") {
    const reason = result.kind === "deleted" ? undefined : result.reason;
    log.info({ actions: pass.actions, phase, result: result.kind, reason }, "reconciled");
  }
  return { result, phase, actions: pass.actions, nextReconcileAt, failureCount };
}

/**
 * observe → plan → act until plan has nothing to do, an action ends the pass,
 * or plan asks for an action already run in this pass (its effect is then only
 * visible from the next snapshot).
 */
async function runActions(deps: ReconcileDeps, pass: Pass): Promise<PassResult> {
  const { store, log } = pass;
  const desired = desiredStore(store, deps.config, deps.charts);
  pass.desired = desired;
  let namespace: NamespaceState | undefined = (await deps.snapshot()).namespaces.get(
    desired.namespace,
  );
  pass.observation = look(deps, pass, namespace);
  for (;;) {
    const { state } = pass.observation;
    const next = plan(state);
    if (!next || pass.actions.includes(next)) break;
    pass.actions.push(next);
    pass.conditions = mergeStepConditions(pass, pass.observation.conditions);
    log.debug({ action: next, state: state.kind, reason: state.reason }, "acting");
    const ctx: ActionContext = {
      store,
      desired,
      cluster: deps.cluster,
      db: deps.db,
      owner: deps.owner,
      signal: deps.signal,
      now: pass.now,
      logger: log,
      namespace,
      state,
      status: pass.status,
      conditions: pass.conditions,
    };
    const announce = ANNOUNCE[next];
    if (announce) await announceProgress(deps, pass, announce(ctx));
    const outcome = await ACTIONS[next](ctx).catch((error: unknown) => {
      throw new ActionError(next, error);
    });
    if (outcome.event) pass.events.push(outcome.event);
    if (outcome.deleted) return { kind: "deleted" };
    namespace = outcome.namespace;
    pass.observation = look(deps, pass, namespace);
    if (outcome.requeueAfterMs !== undefined)
      return {
        kind: "requeue-after",
        afterMs: outcome.requeueAfterMs,
        reason: pass.observation.state.reason,
      };
  }
  return {
    kind: "requeue-after",
    afterMs: waitFor(deps, pass),
    reason: pass.observation.state.reason,
  };
}

/** What an error means for the store, by its class (set where the error was created). */
function onError(deps: ReconcileDeps, pass: Pass, error: unknown, failures: number) {
  const c = classifyError(error, deps.signal.aborted);
  const err = error instanceof Error ? error : new Error(String(error));
  pass.status.lastError = c.message;
  pass.log.warn(
    { err: error, reason: c.reason, errorClass: c.errorClass, failures },
    "reconcile failed",
  );
  const event = (type: "Normal" | "Warning", message: string) =>
    pass.events.push({ type, reason: c.reason, message });
  if (c.errorClass === "terminal" && !pass.store.deletion_requested_at) {
    pass.status.stalled = { reason: c.reason, message: c.message };
    event("Warning", `failed, will not retry until asked to: ${c.message}`);
    const result: PassResult = { kind: "terminal", reason: c.reason, error: err };
    return { result, failureCount: failures + 1, reconciling: null };
  }
  if (c.errorClass === "conflict" || c.errorClass === "locked") {
    // Someone else wrote first, or helm holds the release: not a failure of
    // ours; the next pass re-reads (and unlocks a stuck release).
    event("Normal", `will look again: ${c.message}`);
    const result: PassResult = {
      kind: "requeue-after",
      afterMs: deps.config.progressIntervalMs,
      reason: c.reason,
    };
    return {
      result,
      failureCount: failures,
      reconciling: { reason: c.reason, message: c.message },
    };
  }
  event("Warning", `attempt ${failures + 1} failed, will retry: ${c.message}`);
  const result: PassResult = { kind: "retry-with-backoff", reason: c.reason, error: err };
  const message = `attempt ${failures + 1} failed, will retry: ${c.message}`;
  return { result, failureCount: failures + 1, reconciling: { reason: c.reason, message } };
}

/** The one status write of a pass (fenced by the claim); returns the phase written. */
async function writeStatus(
  deps: ReconcileDeps,
  pass: Pass,
  end: { reconciling: Progress | null; failureCount: number; nextReconcileAt: Date },
): Promise<Phase> {
  const { store, status, now } = pass;
  // No look this pass (the snapshot failed): the steps stay as last seen.
  const steps = pass.observation?.conditions ?? pass.conditions.filter(isStep);
  const drafts = statusConditions(steps, {
    deleting: store.deletion_requested_at !== null,
    stalled: status.stalled,
    reconciling: end.reconciling,
    // Without a look this pass (the snapshot failed), as last written.
    suspended: pass.observation
      ? pass.observation.state.kind === "Suspended"
      : store.suspended && pass.conditions.some((c) => c.type === "Suspended"),
    restoring: pass.restoring
      ? { reason: "Restoring", message: restoringMessage(pass.restoring) }
      : null,
  });
  const merged = mergeConditions(pass.conditions, drafts, store.generation, now());
  pass.events.push(
    ...merged.transitions.filter((t) => t.type !== "Reconciling").map(transitionEvent),
  );
  const phase = derivePhase(store, merged.conditions);
  // A Ready store that lost something it owns: a new attempt, with its own deadline.
  if (store.phase === "Ready" && phase === "Provisioning") status.provisioningStartedAt = now();
  if (phase !== store.phase)
    pass.events.push({
      type: phase === "Failed" ? "Warning" : "Normal",
      reason: `Phase${phase}`,
      message: `phase ${store.phase} → ${phase}`,
    });
  const urls = pass.desired ?? storeUrls(store, storeSite(deps.config));
  try {
    const written = await recordReconcileResult(deps.db, {
      storeId: store.id,
      owner: deps.owner,
      phase,
      conditions: merged.conditions,
      observedGeneration: store.generation,
      failureCount: end.failureCount,
      lastError: status.lastError,
      storeUrl: urls.storeUrl,
      adminUrl: urls.adminUrl,
      provisioningStartedAt: status.provisioningStartedAt,
      readyAt: status.readyAt,
      ...chartVersions(pass),
      release: { nextReconcileAt: end.nextReconcileAt },
    });
    if (!written)
      pass.log.warn("claim lost before status could be written; another replica has the store now");
  } catch (error) {
    pass.log.error(
      { err: error },
      "status write failed; the claim will expire and the store be looked at again",
    );
  }
  return phase;
}

/**
 * A live store keeps the chart version it was given (the default, the first
 * time); the deployed one is known once the release's values digest — which
 * covers the chart version — matches the desired one.
 */
function chartVersions(pass: Pass): {
  assignChartVersion?: string;
  deployedChartVersion?: string;
  rollbackDone?: boolean;
} {
  if (!pass.desired || pass.store.deletion_requested_at) return {};
  const release = pass.observation?.conditions.find((c) => c.type === "ReleaseReady");
  const deployed = release?.status === "True";
  return {
    assignChartVersion: pass.desired.chartVersion,
    ...(deployed ? { deployedChartVersion: pass.desired.chartVersion } : {}),
    // The release runs the assigned version: a rollback asked for is done (or was never needed).
    ...(deployed && pass.store.rollback_chart_version !== null ? { rollbackDone: true } : {}),
  };
}

/** Reconciling=True with the step, written and notified before a long action starts. */
async function announceProgress(
  deps: ReconcileDeps,
  pass: Pass,
  progress: Progress,
): Promise<void> {
  const { store } = pass;
  const drafts: ConditionDraft[] = [{ type: "Reconciling", status: "True", ...progress }];
  const { conditions } = mergeConditions(pass.conditions, drafts, store.generation, pass.now());
  pass.conditions = conditions;
  try {
    const phase = derivePhase(store, conditions);
    const written = await recordReconcileProgress(deps.db, {
      storeId: store.id,
      owner: deps.owner,
      phase,
      conditions,
    });
    if (!written) pass.log.warn("claim lost before progress could be written");
  } catch (error) {
    // Only the live view suffers; the action and the final status write go on.
    pass.log.warn({ err: error }, "could not write progress");
  }
}

/** The steps as just observed; a stall from an earlier generation no longer holds. */
function mergeStepConditions(pass: Pass, drafts: ConditionDraft[]): Condition[] {
  const stall: ConditionDraft[] = pass.status.stalled
    ? []
    : [{ type: "Stalled", status: "False", reason: "", message: "" }];
  return mergeConditions(pass.conditions, [...drafts, ...stall], pass.store.generation, pass.now())
    .conditions;
}

function isStep(c: Condition): c is Condition & ConditionDraft {
  return (STEP_CONDITION_TYPES as readonly string[]).includes(c.type);
}

function initialStatus(store: Store, now: Date): StatusDraft {
  const stalled = carriedStall(store);
  const status: StatusDraft = {
    provisioningStartedAt: store.provisioning_started_at,
    readyAt: store.ready_at,
    lastError: stalled ? store.last_error : null,
    stalled,
    markedReady: store.phase === "Ready",
  };
  // A new generation (a new store, a spec change, a manual retry) starts a new attempt.
  if (store.generation > store.observed_generation || status.provisioningStartedAt === null)
    status.provisioningStartedAt = now;
  return status;
}

function look(deps: ReconcileDeps, pass: Pass, namespace: NamespaceState | undefined): Observation {
  return observe({
    store: pass.store,
    namespace,
    desired: pass.desired as DesiredStore,
    now: pass.now(),
    provisioningDeadlineMs: deps.config.provisioningDeadlineMs,
    namespaceStuckMs: deps.config.namespaceStuckMs,
    stalled: pass.status.stalled !== null,
    markedReady: pass.status.markedReady,
    provisioningStartedAt: pass.status.provisioningStartedAt,
    workloadsUnread:
      pass.actions.includes("install-release") || pass.actions.includes("rollback-release"),
    restoring: pass.restoring,
  });
}

/** How long until the next look, when nothing failed. */
function waitFor(deps: ReconcileDeps, pass: Pass): number {
  const { config } = deps;
  const state = pass.observation?.state;
  if (
    pass.status.stalled ||
    state?.kind === "Ready" ||
    state?.kind === "Suspended" ||
    state?.kind === "Failed"
  )
    return jittered(config.driftIntervalMs, deps.random);
  return state?.kind === "WaitingNamespaceGone" && state.overdue
    ? Math.max(config.progressIntervalMs, Math.min(config.namespaceStuckMs, 10_000))
    : config.progressIntervalMs;
}

function delayOf(deps: ReconcileDeps, result: PassResult, failureCount: number): number {
  const random = deps.random ?? Math.random;
  const { config } = deps;
  if (result.kind === "requeue-after") return result.afterMs;
  if (result.kind === "retry-with-backoff")
    return backoffDelay(
      failureCount,
      { baseMs: config.backoffBaseMs, capMs: config.backoffCapMs },
      random,
    );
  return jittered(config.driftIntervalMs, random);
}

function transitionEvent(t: Transition): StoreEventInput {
  return {
    type: severityOf(t),
    reason: t.reason,
    message: `${t.type} ${t.from ?? "(new)"} → ${t.to}: ${t.message}`,
  };
}
