// The thin outer reconcile of one store (after Flux's helm-controller): load,
// branch to delete or run the steps — observe → plan → act, one action at a
// time, re-observing the local view after each — and always write status at
// the end, even when an action failed.
import {
  appendStoreEvents,
  type Condition,
  type Database,
  type Phase,
  recordReconcileResult,
  type Store,
  type StoreEventInput,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import {
  type ChartCatalog,
  type DesiredConfig,
  type DesiredStore,
  desiredStore,
  storeUrls,
} from "../desired.ts";
import type { Cluster, ClusterSnapshot, NamespaceState } from "../k8s.ts";
import { ACTIONS } from "./actions/index.ts";
import type { StatusDraft } from "./actions/types.ts";
import { mergeConditions } from "./conditions.ts";
import { ActionError, backoffDelay, classifyError, jittered, type PassResult } from "./errors.ts";
import { type Observation, observe } from "./observe.ts";
import { type ActionName, plan } from "./plan.ts";

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
  helmInFlight: Set<string>;
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

/** At most this many actions per pass; a pass that needs more goes on next time. */
const MAX_ACTIONS_PER_PASS = 12;

export async function reconcileStore(deps: ReconcileDeps, store: Store): Promise<ReconcileReport> {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const { config } = deps;
  const log = deps.logger.child({
    storeId: store.id,
    store: store.name,
    generation: store.generation,
  });
  const actor = `controller:${deps.owner}`;
  const events: StoreEventInput[] = [];
  const actions: ActionName[] = [];
  const status = initialStatus(store, now());
  let conditions: Condition[] = store.conditions ?? [];
  let failureCount = store.failure_count;
  let result: PassResult;
  let desired: DesiredStore | null = null;

  try {
    desired = desiredStore(store, config, deps.charts);
    const snap = await deps.snapshot();
    let namespace: NamespaceState | undefined = snap.namespaces.get(desired.namespace);
    let observation: Observation = look(deps, store, desired, namespace, status, now());
    let requeueAfterMs: number | undefined;
    let deleted = false;
    for (let i = 0; i < MAX_ACTIONS_PER_PASS; i++) {
      const next = plan(observation.state);
      if (!next) break;
      ({ conditions } = mergeConditions(
        conditions,
        observation.conditions,
        store.generation,
        now(),
      ));
      log.debug(
        { action: next, state: observation.state.kind, reason: observation.state.reason },
        "acting",
      );
      actions.push(next);
      let outcome: Awaited<ReturnType<(typeof ACTIONS)[ActionName]>>;
      try {
        outcome = await ACTIONS[next]({
          store,
          desired,
          cluster: deps.cluster,
          db: deps.db,
          owner: deps.owner,
          signal: deps.signal,
          now,
          logger: log,
          namespace,
          state: observation.state,
          status,
          conditions,
          helmInFlight: deps.helmInFlight,
        });
      } catch (error) {
        throw new ActionError(next, error);
      }
      if (outcome.event) events.push(outcome.event);
      namespace = outcome.namespace;
      if (outcome.deleted) {
        deleted = true;
        break;
      }
      observation = look(deps, store, desired, namespace, status, now());
      if (outcome.requeueAfterMs !== undefined) {
        requeueAfterMs = outcome.requeueAfterMs;
        break;
      }
    }
    if (deleted) {
      result = { kind: "deleted" };
    } else {
      const merged = mergeConditions(conditions, observation.conditions, store.generation, now());
      conditions = merged.conditions;
      for (const t of merged.transitions) events.push(transitionEvent(t));
      settlePhase(store, status, observation, now());
      failureCount = 0;
      if (status.phase !== "Failed") status.lastError = null;
      result = {
        kind: "requeue-after",
        afterMs: requeueAfterMs ?? waitFor(status.phase, observation, config, random),
        reason: observation.state.reason,
      };
    }
  } catch (error) {
    const c = classifyError(error);
    failureCount += 1;
    status.lastError = c.message;
    const err = error instanceof Error ? error : new Error(String(error));
    if (!c.transient && !store.deletion_requested_at) {
      status.phase = "Failed";
      result = { kind: "terminal", reason: c.reason, error: err };
      events.push({
        type: "Warning",
        reason: c.reason,
        message: `failed, will not retry until asked to: ${c.message}`,
      });
    } else {
      result = { kind: "retry-with-backoff", reason: c.reason, error: err };
      events.push({
        type: "Warning",
        reason: c.reason,
        message: `attempt ${failureCount} failed, will retry: ${c.message}`,
      });
    }
    log.warn(
      { err: error, reason: c.reason, transient: c.transient, failureCount },
      "reconcile failed",
    );
  }

  if (status.phase !== store.phase) {
    events.push({
      type: status.phase === "Failed" ? "Warning" : "Normal",
      reason: `Phase${status.phase}`,
      message: `phase ${store.phase} → ${status.phase}`,
    });
  }

  let nextReconcileAt: Date | null = null;
  if (result.kind !== "deleted") {
    const delay =
      result.kind === "requeue-after"
        ? result.afterMs
        : result.kind === "retry-with-backoff"
          ? backoffDelay(
              failureCount,
              { baseMs: config.backoffBaseMs, capMs: config.backoffCapMs },
              random,
            )
          : jittered(config.driftIntervalMs, random);
    nextReconcileAt = new Date(now().getTime() + delay);
    const urls = desired ?? storeUrls(store, config);
    try {
      const written = await recordReconcileResult(deps.db, {
        storeId: store.id,
        owner: deps.owner,
        phase: status.phase,
        conditions,
        observedGeneration: store.generation,
        failureCount,
        lastError: status.lastError,
        storeUrl: urls.storeUrl,
        adminUrl: urls.adminUrl,
        provisioningStartedAt: status.provisioningStartedAt,
        readyAt: status.readyAt,
        release: { nextReconcileAt },
      });
      if (!written)
        log.warn("claim lost before status could be written; another replica has the store now");
    } catch (error) {
      log.error(
        { err: error },
        "status write failed; the claim will expire and the store be looked at again",
      );
    }
  }
  try {
    await appendStoreEvents(deps.db, store.id, actor, events);
  } catch (error) {
    log.error({ err: error }, "could not record store events");
  }
  if (actions.length > 0 || result.kind !== "requeue-after") {
    log.info(
      {
        actions,
        phase: status.phase,
        result: result.kind,
        reason: result.kind === "deleted" ? undefined : result.reason,
      },
      "reconciled",
    );
  }
  return { result, phase: status.phase, actions, nextReconcileAt, failureCount };
}

function initialStatus(store: Store, now: Date): StatusDraft {
  const status: StatusDraft = {
    phase: store.phase,
    provisioningStartedAt: store.provisioning_started_at,
    readyAt: store.ready_at,
    lastError: store.last_error,
  };
  if (store.deletion_requested_at) {
    status.phase = "Deleting";
    return status;
  }
  const newGeneration = store.generation > store.observed_generation;
  // A new store, or a manual retry (the API bumped generation): start over.
  if (newGeneration && (store.phase === "Pending" || store.phase === "Failed")) {
    status.phase = "Provisioning";
    status.provisioningStartedAt = now;
    status.lastError = null;
  } else if (newGeneration || status.provisioningStartedAt === null) {
    status.provisioningStartedAt = now;
  }
  if (status.phase === "Pending") status.phase = "Provisioning";
  return status;
}

function look(
  deps: ReconcileDeps,
  store: Store,
  desired: DesiredStore,
  namespace: NamespaceState | undefined,
  status: StatusDraft,
  now: Date,
): Observation {
  return observe({
    store,
    namespace,
    desired,
    now,
    helmInFlight: deps.helmInFlight,
    provisioningDeadlineMs: deps.config.provisioningDeadlineMs,
    namespaceStuckMs: deps.config.namespaceStuckMs,
    phase: status.phase,
    provisioningStartedAt: status.provisioningStartedAt,
  });
}

function settlePhase(store: Store, status: StatusDraft, observation: Observation, now: Date): void {
  if (store.deletion_requested_at) {
    status.phase = "Deleting";
    return;
  }
  if (status.phase === "Failed") return;
  if (observation.state.kind === "Ready") return; // mark-ready ran (or it was Ready already)
  if (status.phase === "Ready") {
    // Something a Ready store owns went missing and could not be put back in
    // this pass: a new provisioning attempt, with its own deadline.
    status.provisioningStartedAt = now;
  }
  status.phase = "Provisioning";
}

function waitFor(
  phase: Phase,
  observation: Observation,
  config: ReconcileConfig,
  random: () => number,
): number {
  if (phase === "Ready" || phase === "Failed") return jittered(config.driftIntervalMs, random);
  return observation.state.kind === "WaitingNamespaceGone" && observation.state.overdue
    ? Math.max(config.progressIntervalMs, Math.min(config.namespaceStuckMs, 10_000))
    : config.progressIntervalMs;
}

function transitionEvent(t: {
  type: string;
  from: string | null;
  to: string;
  reason: string;
  message: string;
}): StoreEventInput {
  const bad =
    t.to === "False" &&
    ![
      "Progressing",
      "NoWorkloads",
      "ReleaseNotReady",
      "ReleaseAbsent",
      "NamespaceMissing",
      "SecretMissing",
      "Deleting",
      "Uninstalling",
      "Uninstalled",
      "NamespaceDeleted",
      "Terminating",
    ].includes(t.reason);
  return {
    type: bad ? "Warning" : "Normal",
    reason: t.reason,
    message: `${t.type} ${t.from ?? "(new)"} → ${t.to}: ${t.message}`,
  };
}
