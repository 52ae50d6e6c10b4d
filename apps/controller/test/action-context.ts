// Builds an ActionContext on a simulated cluster with a manual clock, for the
// per-action unit tests.
import type { Database, Store } from "@storeplane/db";
import type { NamespaceState } from "@storeplane/k8s";
import {
  createSimulatedCluster,
  ManualClock,
  type SimulatedCluster,
} from "@storeplane/k8s/simulated";
import type { Kysely } from "kysely";
import type { ActionContext } from "../src/reconcile/actions/types.ts";
import type { StoreState } from "../src/reconcile/observe.ts";
import { desiredFor, storeRow } from "./fixtures.ts";
import { silentLogger } from "./harness.ts";

export interface ActionFixture {
  sim: SimulatedCluster;
  clock: ManualClock;
  ctx: ActionContext;
}

export function actionFixture(
  options: {
    store?: Partial<Store>;
    namespace?: NamespaceState;
    state?: StoreState;
    latencies?: Parameters<typeof createSimulatedCluster>[0] extends infer O
      ? O extends { latencies?: infer L }
        ? L
        : never
      : never;
    db?: Kysely<Database>;
  } = {},
): ActionFixture {
  const clock = new ManualClock();
  const sim = createSimulatedCluster({
    clock,
    latencies: {
      apiCallMs: 0,
      helmInstallMs: 0,
      helmUninstallMs: 0,
      helmUnlockMs: 0,
      workloadsReadyMs: 1_000,
      jobCompleteMs: 500,
      namespaceTerminationMs: 1_000,
      ...options.latencies,
    },
  });
  const store = storeRow(options.store);
  const desired = desiredFor(store);
  const ctx: ActionContext = {
    store,
    desired,
    cluster: sim.connect("replica-a"),
    db: options.db ?? ({} as Kysely<Database>),
    owner: "replica-a",
    signal: new AbortController().signal,
    now: () => new Date(clock.now()),
    logger: silentLogger,
    namespace: options.namespace,
    state: options.state ?? { kind: "NamespaceMissing", reason: "test" },
    status: {
      provisioningStartedAt: new Date(clock.now()),
      readyAt: null,
      lastError: null,
      stalled: null,
      markedReady: false,
    },
    conditions: [],
  };
  return { sim, clock, ctx };
}

export async function nsOf(
  sim: SimulatedCluster,
  name: string,
): Promise<NamespaceState | undefined> {
  return (await sim.connect("observer").snapshot()).namespaces.get(name);
}
