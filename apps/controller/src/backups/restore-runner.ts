// The restore runner: on an interval (and on wake-up) it moves every active
// restore and clone one step with planRestore — put the store into
// maintenance (its app Deployments scaled to zero through the scale
// subresource, the databases left running), apply the restore Job once the
// app's pods are gone, then on the Job's verdict scale the app back to the
// recorded replicas, record succeeded or failed (never retried) and delete
// the Job. It runs beside the store reconcile loop, like the backup runner;
// the loop sees the running restore (reconcile/observe.ts) and shows the
// store as Restoring without running helm for it meanwhile.
import {
  appendStoreEvent,
  type Backup,
  beginRestore,
  type Database,
  findBackupById,
  findStoreById,
  finishRestore,
  listActiveRestores,
  makeStoresDue,
  notifyStoreChanged,
  recordRestoreJob,
  type ScaledWorkload,
  type Store,
  type StoreRestore,
} from "@storeplane/db";
import { type Cluster, KubeError, type ReleaseSpec, storeNamespace } from "@storeplane/k8s";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { BackupSettings } from "./backup-env.ts";
import { buildBackupNetworkPolicy, buildBackupTargetSecret } from "./job-spec.ts";
import { createPassRunner, type PassRunner } from "./pass-runner.ts";
import { planRestore } from "./plan-restore.ts";
import { buildRestoreJob, restoreJobName } from "./restore-job-spec.ts";
import { BACKUP_PASS_INTERVAL_MS } from "./runner.ts";

/** How often the controller looks at the active restores (a wake-up comes sooner). */
export const RESTORE_PASS_INTERVAL_MS = BACKUP_PASS_INTERVAL_MS;

export const SIMULATED_NO_RESTORE =
  "simulated cluster (test and demo tool) has no data to restore: its restore Job completed without running anything, so nothing was restored";

export interface RestoreRunnerDeps {
  db: Kysely<Database>;
  cluster: Cluster;
  settings: BackupSettings;
  logger: Logger;
  /**
   * The store's Helm release as the reconcile loop would install it
   * (desired.ts): a Medusa clone runs it once more after its restore, so
   * the chart's setup Job (a new one per revision) creates the clone's admin
   * from the clone's own Secret — restore.sh removed the source's admins.
   */
  releaseOf: (store: Store) => ReleaseSpec;
  now?: () => Date;
}

/** One pass over the active restores at a time (pass-runner.ts). */
export type RestoreRunner = PassRunner;

export function createRestoreRunner(deps: RestoreRunnerDeps): RestoreRunner {
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: "restore-runner" });

  async function event(store: Store, type: "Normal" | "Warning", reason: string, message: string) {
    await appendStoreEvent(deps.db, {
      storeId: store.id,
      type,
      reason,
      message,
      actor: "controller:restore-runner",
    });
    // The store's reconcile looks again now: Restoring begins or ends.
    await makeStoresDue(deps.db, [store.id]);
    await notifyStoreChanged(deps.db, store.id);
  }

  async function scaleAll(namespace: string, workloads: ScaledWorkload[], to?: number) {
    for (const w of workloads) {
      try {
        await deps.cluster.scaleWorkload(namespace, w.kind, w.name, to ?? w.replicas);
      } catch (error) {
        // Gone (deleted behind helm's back): the store's next helm upgrade
        // brings it back with the chart's replicas; nothing to scale here.
        if (!(error instanceof KubeError && error.code === "NotFound")) throw error;
      }
    }
  }

  async function step(restore: StoreRestore): Promise<void> {
    const store = await findStoreById(deps.db, restore.target_store_id);
    if (!store || store.deleted_at) {
      await finishRestore(
        deps.db,
        restore.id,
        { status: "failed", error: "the store no longer exists" },
        now(),
      );
      return;
    }
    const backup = await findBackupById(deps.db, restore.backup_id);
    const namespace = storeNamespace(store.name);
    // A restore still waiting for its store's Ready (a clone provisioning) needs no look at the cluster.
    const waiting = restore.status === "requested" && store.phase !== "Ready";
    const ns = waiting
      ? undefined
      : (await deps.cluster.snapshot({ namespaces: [namespace] })).namespaces.get(namespace);
    const job =
      restore.status === "running" && restore.job_name
        ? await deps.cluster.readJob(namespace, restore.job_name)
        : undefined;
    const next = planRestore(
      {
        status: restore.status,
        kind: restore.kind,
        scaled: restore.scaled_workloads,
        jobName: restore.job_name,
      },
      { store, namespace: ns, job },
    );
    const rlog = log.child({ restoreId: restore.id, kind: restore.kind, store: store.name });
    const what = `${restore.kind === "clone" ? "clone" : "restore"} from backup ${restore.backup_id}`;
    switch (next.step) {
      case "wait":
        rlog.debug({ reason: next.reason }, "restore waiting");
        return;
      case "fail":
        await finishRestore(deps.db, restore.id, { status: "failed", error: next.reason }, now());
        await event(store, "Warning", "RestoreFailed", `${what} failed: ${next.reason}`);
        rlog.warn({ reason: next.reason }, "restore failed before it started");
        return;
      case "begin": {
        if (!backup?.sha256) {
          const error = `backup ${restore.backup_id} has no recorded manifest sha256; nothing was restored`;
          await finishRestore(deps.db, restore.id, { status: "failed", error }, now());
          await event(store, "Warning", "RestoreFailed", `${what} failed: ${error}`);
          return;
        }
        // Recorded before anything is scaled: a crash in between leaves a row
        // that knows what to bring back.
        if (!(await beginRestore(deps.db, restore.id, next.scale, now()))) return;
        await event(
          store,
          "Normal",
          "RestoreStarted",
          `Restoring from backup ${restore.backup_id}: the app (${next.scale.map((w) => w.name).join(", ") || "none running"}) is scaled to zero, the databases keep running`,
        );
        await scaleAll(namespace, next.scale, 0);
        rlog.info({ scaled: next.scale }, "restore started: app scaled to zero");
        return;
      }
      case "scale-down":
        await scaleAll(namespace, next.workloads, 0);
        return;
      case "apply-job": {
        const objects = await restoreObjects(store, restore, backup);
        await deps.cluster.applyObjects(namespace, objects);
        await recordRestoreJob(deps.db, restore.id, restoreJobName(restore.id), now());
        rlog.info({ job: restoreJobName(restore.id) }, "restore job started");
        return;
      }
      case "finish": {
        // The simulated cluster's Jobs complete without running anything:
        // claiming data was restored would be a lie.
        const outcome =
          next.outcome === "succeeded" && deps.cluster.mode === "simulated"
            ? { status: "failed" as const, error: SIMULATED_NO_RESTORE }
            : next.outcome === "succeeded"
              ? { status: "succeeded" as const }
              : { status: "failed" as const, error: next.reason };
        // Back to the replicas it had, whatever the outcome: the store serves again.
        await scaleAll(namespace, restore.scaled_workloads ?? []);
        if (
          outcome.status === "succeeded" &&
          restore.kind === "clone" &&
          store.engine === "medusa"
        ) {
          // One more revision of the same values: its setup Job creates the
          // clone's admin (Medusa's own hashing). Still Restoring meanwhile, so
          // the loop runs no helm of its own; a helm error retries this step.
          await deps.cluster.installRelease(deps.releaseOf(store));
          rlog.info("clone's release upgraded once: its setup Job creates the clone's admin");
        }
        await finishRestore(deps.db, restore.id, outcome, now());
        if (outcome.status === "succeeded") {
          await event(store, "Normal", "RestoreSucceeded", `${what} done; the app is scaled back`);
          rlog.info("restore succeeded");
        } else {
          await event(
            store,
            "Warning",
            "RestoreFailed",
            `${what} failed: ${outcome.error}; the app is scaled back`,
          );
          rlog.warn({ reason: outcome.error }, "restore failed");
        }
        if (restore.job_name) await deps.cluster.deleteJob(namespace, restore.job_name);
        return;
      }
      default:
        return;
    }
  }

  async function restoreObjects(store: Store, restore: StoreRestore, backup: Backup | undefined) {
    const { settings } = deps;
    if (!backup?.sha256) throw new Error(`backup ${restore.backup_id} has no manifest sha256`);
    // The backup lives under its own store's name (a clone's source).
    const source =
      backup.store_id === store.id ? store : await findStoreById(deps.db, backup.store_id);
    if (!source) throw new Error(`the source store of backup ${backup.id} is unknown`);
    const input = {
      store: {
        id: store.id,
        name: store.name,
        engine: store.engine,
        url: store.store_url ?? "",
      },
      restoreId: restore.id,
      backup: { id: backup.id, storeName: source.name, manifestSha256: backup.sha256 },
      ...(restore.kind === "clone" ? { cloneFromUrl: source.store_url ?? "" } : {}),
      image: settings.image,
      wordpressImage: settings.restoreWordpressImage,
      target: settings.target,
    };
    return [
      buildBackupTargetSecret(store, {
        accessKeyId: settings.objectStore.accessKeyId,
        secretAccessKey: settings.objectStore.secretAccessKey,
      }),
      buildBackupNetworkPolicy({
        store: { ...input.store, plan: store.plan, chartVersion: "", valuesDigest: "" },
        target: settings.target,
      }),
      buildRestoreJob(input),
    ];
  }

  async function pass(): Promise<void> {
    for (const restore of await listActiveRestores(deps.db)) {
      try {
        await step(restore);
      } catch (error) {
        // One restore's failure (an API error) never stops the others; it is tried next pass.
        log.warn({ restoreId: restore.id, err: (error as Error).message }, "restore step failed");
      }
    }
  }

  return createPassRunner(pass, log, "restore");
}
