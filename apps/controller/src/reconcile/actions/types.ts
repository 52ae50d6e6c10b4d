// What every action gets and gives back. An action does one thing; it never
// decides whether to run (plan does) and never writes the store's status
// (reconcile-store does: Reconciling before a long action, everything at the end).
import type { Condition, Database, EventType, Store } from "@storeplane/db";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { DesiredStore } from "../../desired.ts";
import type { Cluster, NamespaceState } from "../../k8s.ts";
import type { StoreState } from "../observe.ts";
import type { Progress } from "../status.ts";

/**
 * What this pass will write besides conditions; status-only actions (mark-ready,
 * fail) change it. The phase is not here: it is derived from the conditions.
 */
export interface StatusDraft {
  provisioningStartedAt: Date | null;
  readyAt: Date | null;
  lastError: string | null;
  /** Progress stopped until someone acts (Stalled=True). */
  stalled: Progress | null;
  /** Marked Ready (earlier, or by mark-ready in this pass). */
  markedReady: boolean;
}

export interface ActionContext {
  store: Store;
  desired: DesiredStore;
  cluster: Cluster;
  db: Kysely<Database>;
  /** Claim owner (replica id). */
  owner: string;
  signal: AbortSignal;
  now(): Date;
  logger: Logger;
  /** The store's namespace as this pass currently believes it to be. */
  namespace: NamespaceState | undefined;
  state: StoreState;
  status: StatusDraft;
  conditions: Condition[];
}

export interface ActionOutcome {
  /** The namespace as it is after the action, so the next observe in this pass sees the effect. */
  namespace: NamespaceState | undefined;
  event?: { type: EventType; reason: string; message: string };
  /** End the pass and look again after this long: the effect is not predictable locally. */
  requeueAfterMs?: number;
  /** The store row is now marked deleted. */
  deleted?: boolean;
}

export type Action = (ctx: ActionContext) => Promise<ActionOutcome>;

/**
 * For an action that takes long (a helm command): the `Reconciling` step and
 * message written, and notified, before it starts, so the dashboard shows it live.
 */
export type Announce = (ctx: ActionContext) => Progress;

export function emptyNamespace(
  name: string,
  labels: Record<string, string>,
  storeId: string,
): NamespaceState {
  return {
    name,
    storeId,
    phase: "Active",
    labels: { ...labels },
    guardrails: {},
    secrets: [],
    releases: [],
    workloads: [],
    jobs: [],
    pods: [],
    pvcs: [],
    events: [],
  };
}
