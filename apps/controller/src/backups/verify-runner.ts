// The verify runner: on an interval it moves every requested or running
// backup verification one step — apply the verify Job's objects (credentials
// copy, NetworkPolicy, Job), wait for the Job, record passed or failed on the
// backup. Beside the store loop and the backup runner, never in them: a
// verification never holds a store's reconcile, never changes its phase, and
// never touches its live database (the Job brings its own scratch server).
import {
  type Backup,
  type Database,
  findStoreById,
  finishVerification,
  listActiveVerifications,
  markVerificationRunning,
  type Store,
} from "@storeplane/db";
import { type Cluster, storeNamespace } from "@storeplane/k8s";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { BackupSettings } from "./backup-env.ts";
import { describeJobFailure } from "./job-failure.ts";
import { buildBackupTargetSecret } from "./job-spec.ts";
import { createPassRunner, type PassRunner } from "./pass-runner.ts";
import {
  buildVerifyJob,
  buildVerifyNetworkPolicy,
  DEFAULT_VERIFY_IMAGES,
  type VerifyImages,
  verifyJobName,
} from "./verify-job-spec.ts";

export const VERIFY_PASS_INTERVAL_MS = 15_000;

export const SIMULATED_NO_VERIFY =
  "simulated cluster (test and demo tool) cannot verify a backup: its Jobs complete without running anything, so nothing would have been restored or checked";

/**
 * The images of the verify Jobs: the backup image, and overrides of the
 * engine charts' pins (a store whose engine image differs sets VERIFY_*_IMAGE).
 * A pure function of the environment it is given, called at the composition root.
 */
export function readVerifyImages(
  env: Record<string, string | undefined>,
  backupImage: string,
): VerifyImages {
  const d = DEFAULT_VERIFY_IMAGES;
  return {
    backup: backupImage,
    scratchDatabase: {
      medusa: env.VERIFY_POSTGRES_IMAGE || d.scratchDatabase.medusa,
      woocommerce: env.VERIFY_MARIADB_IMAGE || d.scratchDatabase.woocommerce,
    },
    engine: {
      medusa: env.VERIFY_MEDUSA_IMAGE || d.engine.medusa,
      woocommerce: env.VERIFY_WOOCOMMERCE_IMAGE || d.engine.woocommerce,
    },
  };
}

export interface VerifyRunnerDeps {
  db: Kysely<Database>;
  cluster: Cluster;
  settings: BackupSettings;
  /** Default: readVerifyImages({}, settings.image), the charts' pins. */
  images?: VerifyImages;
  logger: Logger;
  now?: () => Date;
}

/** One pass over the active verifications at a time (pass-runner.ts). */
export type VerifyRunner = PassRunner;

export function createVerifyRunner(deps: VerifyRunnerDeps): VerifyRunner {
  const now = deps.now ?? (() => new Date());
  const images = deps.images ?? readVerifyImages({}, deps.settings.image);
  const log = deps.logger.child({ component: "verify-runner" });

  const fail = (backup: Backup, error: string, durationMs?: number) =>
    finishVerification(deps.db, backup.id, { status: "failed", error, durationMs }, now());

  async function start(backup: Backup, store: Store): Promise<void> {
    if (deps.cluster.mode === "simulated") {
      await fail(backup, SIMULATED_NO_VERIFY);
      log.warn({ backupId: backup.id }, "verification failed: simulated cluster");
      return;
    }
    const namespace = storeNamespace(store.name);
    const input = {
      store: { id: store.id, name: store.name, engine: store.engine },
      backup: { id: backup.id, sha256: backup.sha256 ?? "" },
      attempt: backup.verification_attempts + 1,
      images,
      target: deps.settings.target,
    };
    // Credentials first: the restore step reads them by secretKeyRef as it starts.
    await deps.cluster.applyObjects(namespace, [
      buildBackupTargetSecret(store, {
        accessKeyId: deps.settings.objectStore.accessKeyId,
        secretAccessKey: deps.settings.objectStore.secretAccessKey,
      }),
      buildVerifyNetworkPolicy(input),
      buildVerifyJob(input),
    ]);
    await markVerificationRunning(deps.db, backup.id, now());
    log.info(
      { backupId: backup.id, store: store.name, attempt: input.attempt },
      "verify job started",
    );
  }

  async function watch(backup: Backup, store: Store): Promise<void> {
    const namespace = storeNamespace(store.name);
    const name = verifyJobName(backup.id, backup.verification_attempts);
    const job = await deps.cluster.readJob(namespace, name);
    const startedAt = backup.verification_started_at ?? backup.verification_requested_at ?? now();
    const durationMs = Math.max(0, now().getTime() - startedAt.getTime());
    if (!job) {
      await fail(backup, `the verify Job ${name} is gone before it finished`, durationMs);
      return;
    }
    if (job.complete) {
      await finishVerification(deps.db, backup.id, { status: "passed", durationMs }, now());
      log.info({ backupId: backup.id, durationMs }, "backup verified");
      return;
    }
    if (job.failedReason || job.failed > 0) {
      // verify.sh's own reason ("verify: FAILED: …") when its pod left one; else where to read it.
      const error = describeJobFailure(
        `the verify Job ${name}`,
        job,
        `its reason is in \`kubectl -n ${namespace} logs job/${name} --all-containers\``,
      );
      await fail(backup, error, durationMs);
      log.warn({ backupId: backup.id, reason: error }, "backup verification failed");
    }
    // Still running: the Job's activeDeadlineSeconds bounds it.
  }

  async function step(backup: Backup): Promise<void> {
    const store = await findStoreById(deps.db, backup.store_id);
    if (!store || store.deleted_at || store.deletion_requested_at) {
      await fail(backup, "the store is deleted or being deleted");
      return;
    }
    if (backup.verification_status === "requested") await start(backup, store);
    else await watch(backup, store);
  }

  async function pass(): Promise<void> {
    for (const backup of await listActiveVerifications(deps.db)) {
      try {
        await step(backup);
      } catch (error) {
        // One verification's failure (an API error) never stops the others; it is tried next pass.
        log.warn({ backupId: backup.id, err: (error as Error).message }, "verify step failed");
      }
    }
  }

  return createPassRunner(pass, log, "verify");
}
