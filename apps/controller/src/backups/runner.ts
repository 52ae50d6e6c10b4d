// The backup runner: on an interval (and on wake-up) it requests the due
// scheduled backups, then moves every active backup one step with
// planBackup — apply the Job's objects, wait, record the result from the
// bucket, retry with backoff, or fail. It runs beside the store reconcile
// loop, never inside it: a backup in progress never holds a store's
// reconcile, and never changes the store's phase.
import { createObjectStore, type ObjectStore, ObjectStoreError } from "@storeplane/backup";
import {
  type Backup,
  type Database,
  failBackup,
  findStoreById,
  listActiveBackups,
  markBackupRunning,
  requestDueScheduledBackups,
  type Store,
} from "@storeplane/db";
import { type Cluster, storeNamespace } from "@storeplane/k8s";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { BackupSettings } from "./backup-env.ts";
import {
  backupJobName,
  buildBackupJob,
  buildBackupNetworkPolicy,
  buildBackupTargetSecret,
} from "./job-spec.ts";
import { createPassRunner, type PassRunner } from "./pass-runner.ts";
import { type BackupPolicy, backoffMs, DEFAULT_BACKUP_POLICY, planBackup } from "./plan-backup.ts";
import { recordCompletedBackup } from "./record-backup.ts";

/** How often the controller looks at the due and active backups. */
export const BACKUP_PASS_INTERVAL_MS = 15_000;

export const SIMULATED_NO_DATA =
  "simulated cluster (test and demo tool) has no data to back up: its backup Job completed without running anything, so no backup was written";

export interface BackupRunnerDeps {
  db: Kysely<Database>;
  cluster: Cluster;
  settings: BackupSettings;
  logger: Logger;
  /** Default: the bucket of `settings.objectStore` (tests pass one on a real s3rver). */
  objects?: ObjectStore;
  policy?: BackupPolicy;
  now?: () => Date;
}

/** One pass over the due and active backups at a time (pass-runner.ts). */
export type BackupRunner = PassRunner;

export function createBackupRunner(deps: BackupRunnerDeps): BackupRunner {
  const objects = deps.objects ?? createObjectStore(deps.settings.objectStore);
  const policy = deps.policy ?? DEFAULT_BACKUP_POLICY;
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ component: "backup-runner" });

  async function step(backup: Backup): Promise<void> {
    const store = await findStoreById(deps.db, backup.store_id);
    if (!store || store.deleted_at) {
      await failBackup(deps.db, backup.id, { error: "the store no longer exists" }, now());
      return;
    }
    const namespace = storeNamespace(store.name);
    const job =
      backup.status === "running"
        ? await deps.cluster.readJob(namespace, backupJobName(backup.id, backup.attempts))
        : null;
    const next = planBackup(
      { status: backup.status, attempts: backup.attempts, nextAttemptAt: backup.next_attempt_at },
      job ?? undefined,
      now(),
      policy,
    );
    const blog = log.child({ backupId: backup.id, store: store.name });
    switch (next.step) {
      case "start": {
        // The manifest records what the dump was taken from: the deployed
        // release's values digest, as the cluster has it (Helm's release label).
        const snapshot = await deps.cluster.snapshot({ namespaces: [namespace] });
        const release = snapshot.namespaces
          .get(namespace)
          ?.releases.find((r) => r.status === "deployed" && r.valuesDigest);
        if (!release?.valuesDigest) {
          const retryAt = new Date(now().getTime() + backoffMs(backup.attempts + 1, policy));
          const error = `store ${store.name} has no deployed release to back up yet; retrying at ${retryAt.toISOString()}`;
          await failBackup(deps.db, backup.id, { error, retryAt }, now());
          return;
        }
        const objects = backupObjects(store, backup.id, next.attempt, release.valuesDigest);
        await deps.cluster.applyObjects(namespace, objects);
        await markBackupRunning(deps.db, backup.id, now());
        blog.info({ attempt: next.attempt }, "backup job started");
        return;
      }
      case "record":
        if (deps.cluster.mode === "simulated") {
          // The simulated cluster's Jobs complete without running anything:
          // there is no dump and no manifest, and a simulated size would be a lie.
          await failBackup(deps.db, backup.id, { error: SIMULATED_NO_DATA }, now());
          blog.warn("backup failed: simulated cluster has no data to back up");
          return;
        }
        await record(backup, store, blog);
        return;
      case "retry":
        await failBackup(deps.db, backup.id, { error: next.reason, retryAt: next.retryAt }, now());
        blog.warn({ reason: next.reason }, "backup attempt failed; will retry");
        return;
      case "fail":
        await failBackup(deps.db, backup.id, { error: next.reason }, now());
        blog.error({ reason: next.reason }, "backup failed");
        return;
      default:
        return;
    }
  }

  function backupObjects(store: Store, backupId: string, attempt: number, valuesDigest: string) {
    const { settings } = deps;
    const input = {
      store: {
        id: store.id,
        name: store.name,
        engine: store.engine,
        plan: store.plan,
        url: store.store_url ?? "",
        chartVersion: store.deployed_chart_version ?? store.chart_version ?? "",
        valuesDigest,
      },
      backupId,
      attempt,
      image: settings.image,
      target: settings.target,
    };
    // Credentials first: the Job's pod reads them by secretKeyRef as it starts.
    return [
      buildBackupTargetSecret(store, {
        accessKeyId: settings.objectStore.accessKeyId,
        secretAccessKey: settings.objectStore.secretAccessKey,
      }),
      buildBackupNetworkPolicy(input),
      buildBackupJob(input),
    ];
  }

  async function record(backup: Backup, store: Store, blog: Logger): Promise<void> {
    try {
      const outcome = await recordCompletedBackup(deps.db, objects, backup, store.name, now());
      if (outcome.outcome === "succeeded")
        blog.info({ sizeBytes: outcome.sizeBytes, pruned: outcome.pruned.length }, "backup done");
      else blog.error({ reason: outcome.error }, "backup failed");
    } catch (error) {
      if (!(error instanceof ObjectStoreError && error.transient)) throw error;
      // The Job finished but its result cannot be read now: a new attempt
      // later (with backoff), the reason on the row meanwhile.
      const reason = `the object store is unreachable (${error.message})`;
      if (backup.attempts >= policy.maxAttempts) {
        const final = `${reason}; gave up after ${backup.attempts} attempts`;
        await failBackup(deps.db, backup.id, { error: final }, now());
        return;
      }
      const retryAt = new Date(now().getTime() + backoffMs(backup.attempts, policy));
      await failBackup(
        deps.db,
        backup.id,
        { error: `${reason}; retrying at ${retryAt.toISOString()}`, retryAt },
        now(),
      );
      blog.warn({ reason }, "backup result unreadable; will retry");
    }
  }

  async function pass(): Promise<void> {
    const created = await requestDueScheduledBackups(deps.db, now());
    if (created.length > 0) log.info({ count: created.length }, "scheduled backups requested");
    for (const backup of await listActiveBackups(deps.db, now())) {
      try {
        await step(backup);
      } catch (error) {
        // One backup's failure (an API error) never stops the others; it is tried next pass.
        log.warn({ backupId: backup.id, err: (error as Error).message }, "backup step failed");
      }
    }
  }

  return createPassRunner(pass, log, "backup");
}
