// ONE table of store lifecycle scenarios, run at two levels by two thin files:
// lifecycle.sim.test.ts (the simulated cluster) and lifecycle.fakeapi.test.ts
// (the real KubeCluster, client-node over HTTP, against the fake API server).
// Both run the real controller loop on a real database; a scenario only sees
// a ScenarioCluster, so it cannot tell which double it drives.

import type { DatabaseHandle } from "@storeplane/db";
import { listStoreEvents, type Store } from "@storeplane/db";
import type { Cluster } from "@storeplane/k8s";
import { expect } from "vitest";
import type { LoopConfig } from "../src/loop.ts";
import {
  createStores,
  requestDeletion,
  requestRetry,
  startController,
  startKillableController,
  storesById,
  waitFor,
  waitForEventReasons,
  waitForPhase,
} from "./harness.ts";

/** What a scenario may do to the cluster under test: the faults both doubles support. */
export interface ScenarioCluster {
  connect(replicaId: string): Cluster;
  crash(replicaId: string): void;
  failImagePull(namespace: string, image: string): void;
  clearImagePullFailure(namespace: string): void;
  strandRelease(namespace: string, release: string, status?: "pending-install"): void;
  deleteObjectBehindTheBack(namespace: string, kind: string, name: string): void;
  holdNamespaceTermination(namespace: string): void;
  releaseNamespaceTermination(namespace: string): void;
  namespaceNames(): string[];
  /** Labels of the release Secrets in a namespace (helm's own records). */
  releaseLabels(namespace: string): Array<Record<string, string>>;
  helmCommands(): number;
  completedInstalls(key: string): number;
}

export interface ScenarioContext {
  handle: DatabaseHandle;
  cluster: ScenarioCluster;
}

export interface Scenario {
  name: string;
  /** How long one helm upgrade takes (only the SIGKILL scenario needs it slow). */
  helmInstallMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
}

const ALL_TRUE = [
  ["NamespaceReady", "True"],
  ["GuardrailsReady", "True"],
  ["SecretsReady", "True"],
  ["ReleaseReady", "True"],
  ["WorkloadsReady", "True"],
  ["Ready", "True"],
];

async function eventReasons(handle: DatabaseHandle, id: string): Promise<string[]> {
  return (await listStoreEvents(handle.db, id)).map((e) => e.reason);
}

async function deleted(handle: DatabaseHandle, id: string): Promise<Store> {
  const [row] = await waitFor("store deleted", async () => {
    const rows = await storesById(handle, [id]);
    return rows[0]?.deleted_at ? rows : undefined;
  });
  return row as Store;
}

/** Runs one scenario with a controller loop that is always stopped. */
async function withLoop(
  ctx: ScenarioContext,
  config: Partial<LoopConfig> | undefined,
  body: () => Promise<void>,
  replicaId = "replica-a",
) {
  const loop = startController(ctx.handle, ctx.cluster, { config, replicaId });
  await loop.start();
  try {
    await body();
  } finally {
    await loop.stop();
  }
}

export const SCENARIOS: Scenario[] = [
  {
    name: "create → Ready with every condition True, then delete without a trace",
    async run(ctx) {
      await withLoop(ctx, undefined, async () => {
        const [store] = (await createStores(ctx.handle, 1, { engine: "woocommerce" })) as [Store];
        const [ready] = (await waitForPhase(ctx.handle, [store.id], "Ready")) as [Store];
        expect(ready.conditions.map((c) => [c.type, c.status])).toEqual(ALL_TRUE);
        expect(ready.store_url).toBe(`http://${store.name}.localhost`);
        await waitForEventReasons(ctx.handle, store.id, [
          "NamespaceCreated",
          "GuardrailsApplied",
          "SecretsCreated",
          "ReleaseInstalled",
          "StoreReady",
        ]);
        await requestDeletion(ctx.handle, [store.id]);
        expect((await deleted(ctx.handle, store.id)).phase).toBe("Deleted");
        expect(ctx.cluster.namespaceNames()).toEqual([]);
        expect(ctx.cluster.completedInstalls(`store-${store.name}/store`)).toBe(1);
      });
    },
  },
  {
    name: "drift repair: a guardrail removed behind its back is put back, without helm",
    async run(ctx) {
      await withLoop(ctx, { driftIntervalMs: 100 }, async () => {
        const [store] = (await createStores(ctx.handle, 1)) as [Store];
        await waitForPhase(ctx.handle, [store.id], "Ready");
        const helmBefore = ctx.cluster.helmCommands();
        ctx.cluster.deleteObjectBehindTheBack(
          `store-${store.name}`,
          "NetworkPolicy",
          "default-deny",
        );
        await waitFor("guardrail repaired", async () =>
          (await eventReasons(ctx.handle, store.id)).includes("GuardrailsRepaired"),
        );
        expect(ctx.cluster.helmCommands()).toBe(helmBefore);
        expect((await storesById(ctx.handle, [store.id]))[0]?.phase).toBe("Ready");
      });
    },
  },
  {
    name: "drift repair: a Deployment deleted behind helm's back is brought back by one helm upgrade",
    async run(ctx) {
      await withLoop(ctx, { driftIntervalMs: 100 }, async () => {
        const [store] = (await createStores(ctx.handle, 1, { engine: "woocommerce" })) as [Store];
        await waitForPhase(ctx.handle, [store.id], "Ready");
        const release = `store-${store.name}/store`;
        expect(ctx.cluster.completedInstalls(release)).toBe(1);
        ctx.cluster.deleteObjectBehindTheBack(
          `store-${store.name}`,
          "Deployment",
          "store-wordpress",
        );
        await waitFor("release reinstalled", async () =>
          ctx.cluster.completedInstalls(release) === 2 ? true : undefined,
        );
        const [ready] = (await waitForPhase(ctx.handle, [store.id], "Ready")) as [Store];
        expect(ready.conditions.map((c) => [c.type, c.status])).toEqual(ALL_TRUE);
        // One upgrade, not one per look: the recreated Deployment ends the drift.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(ctx.cluster.completedInstalls(release)).toBe(2);
      });
    },
  },
  {
    name: "a failing image ends Failed naming the image; a manual retry after the fix is Ready",
    async run(ctx) {
      const deadlineMs = 1_500;
      await withLoop(ctx, { provisioningDeadlineMs: deadlineMs }, async () => {
        const [store] = (await createStores(ctx.handle, 1, {
          prefix: "pull",
          engine: "woocommerce",
        })) as [Store];
        const ns = `store-${store.name}`;
        ctx.cluster.failImagePull(ns, "wordpress:does-not-exist");
        const [failed] = (await waitForPhase(ctx.handle, [store.id], "Failed", 10_000)) as [Store];
        expect(failed.last_error).toContain("ImagePullBackOff");
        expect(failed.last_error).toContain('image "wordpress:does-not-exist"');
        expect(failed.conditions.find((c) => c.type === "WorkloadsReady")).toMatchObject({
          status: "False",
          reason: "ImagePullFailed",
        });
        const took = failed.updated_at.getTime() - (failed.provisioning_started_at?.getTime() ?? 0);
        expect(took).toBeGreaterThanOrEqual(deadlineMs);
        // reconcile-store.ts appends the pass's events after writing its
        // status, so under load they land a moment after the phase.
        await expect
          .poll(async () =>
            (await listStoreEvents(ctx.handle.db, store.id)).some(
              (e) => e.reason === "ProvisioningFailed" && e.type === "Warning",
            ),
          )
          .toBe(true);
        // Failed stays Failed (no retries) until someone asks.
        const helm = ctx.cluster.helmCommands();
        await new Promise((r) => setTimeout(r, 200));
        expect((await storesById(ctx.handle, [store.id]))[0]?.phase).toBe("Failed");
        ctx.cluster.clearImagePullFailure(ns);
        await requestRetry(ctx.handle, store.id);
        const [ready] = (await waitForPhase(ctx.handle, [store.id], "Ready", 10_000)) as [Store];
        expect(ready.last_error).toBeNull();
        // The release was already deployed with the same values: the retry needed no helm run.
        expect(ctx.cluster.helmCommands()).toBe(helm);
      });
    },
  },
  {
    name: "a release stuck pending-install by a dead helm is unlocked and installed once",
    async run(ctx) {
      const [store] = (await createStores(ctx.handle, 1, { prefix: "stuck" })) as [Store];
      const ns = `store-${store.name}`;
      await ctx.cluster.connect("dead-replica").ensureNamespace({ name: ns, labels: {} });
      ctx.cluster.strandRelease(ns, "store", "pending-install");
      await withLoop(ctx, undefined, async () => {
        await waitForPhase(ctx.handle, [store.id], "Ready", 10_000);
        await waitForEventReasons(ctx.handle, store.id, ["ReleaseUnlocked"]);
        expect(ctx.cluster.completedInstalls(`${ns}/store`)).toBe(1);
      });
    },
  },
  {
    name: "delete with leftovers: a namespace held by a PVC finalizer is reported, then the store is Deleted once it goes",
    async run(ctx) {
      await withLoop(ctx, { namespaceStuckMs: 300 }, async () => {
        const [store] = (await createStores(ctx.handle, 1, {
          prefix: "hold",
          engine: "woocommerce",
        })) as [Store];
        const ns = `store-${store.name}`;
        await waitForPhase(ctx.handle, [store.id], "Ready");
        ctx.cluster.holdNamespaceTermination(ns);
        await requestDeletion(ctx.handle, [store.id]);
        const [stuck] = (await waitFor("stuck reported", async () => {
          const rows = await storesById(ctx.handle, [store.id]);
          const c = rows[0]?.conditions.find((x) => x.type === "NamespaceReady");
          return c?.reason === "NamespaceStuckTerminating" ? rows : undefined;
        })) as [Store];
        const message = stuck.conditions.find((x) => x.type === "NamespaceReady")?.message;
        expect(message).toContain('PersistentVolumeClaim "data-store-mariadb-0"');
        expect(message).toContain("kubernetes.io/pvc-protection");
        expect(stuck.phase).toBe("Deleting");
        ctx.cluster.releaseNamespaceTermination(ns);
        expect((await deleted(ctx.handle, store.id)).phase).toBe("Deleted");
        expect(ctx.cluster.namespaceNames()).toEqual([]);
      });
    },
  },
  {
    name: "SIGKILL mid-install: the next replica unlocks the pending release and installs it exactly once",
    helmInstallMs: 300,
    async run(ctx) {
      const [store] = (await createStores(ctx.handle, 1, { prefix: "kill" })) as [Store];
      const ns = `store-${store.name}`;
      const first = startKillableController(ctx.handle, ctx.cluster, {
        replicaId: "ctrl-0",
        config: { claimTtlSeconds: 1 },
      });
      await first.loop.start();
      await waitFor("helm recorded the pending revision", async () =>
        ctx.cluster.releaseLabels(ns).some((l) => l.status === "pending-install"),
      );
      first.kill();
      ctx.cluster.crash("ctrl-0");
      await withLoop(
        ctx,
        { claimTtlSeconds: 1 },
        async () => {
          await waitForPhase(ctx.handle, [store.id], "Ready", 15_000);
          expect(ctx.cluster.completedInstalls(`${ns}/store`)).toBe(1);
          await waitForEventReasons(ctx.handle, store.id, ["ReleaseUnlocked"]);
        },
        "ctrl-1",
      );
    },
  },
];
