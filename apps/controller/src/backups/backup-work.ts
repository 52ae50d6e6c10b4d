// Everything the controller does for backups, beside the store loop and
// never in it (a backup never holds a store's reconcile): the backup,
// restore and verify runners, the removal of deleted stores' backups, and
// the LISTEN that wakes the runners when a request arrives (wakeup.ts).
// One composition for the controller process (main.ts) and apps/dev.
import { createObjectStore } from "@storeplane/backup";
import { BACKUP_WORK_CHANNEL, type DatabaseHandle, type Store } from "@storeplane/db";
import type { Cluster, ReleaseSpec } from "@storeplane/k8s";
import type { Logger } from "pino";
import type { BackupSettings } from "./backup-env.ts";
import { startBackupPurge } from "./purge-deleted.ts";
import { createRestoreRunner, RESTORE_PASS_INTERVAL_MS } from "./restore-runner.ts";
import { BACKUP_PASS_INTERVAL_MS, createBackupRunner } from "./runner.ts";
import { createVerifyRunner, readVerifyImages, VERIFY_PASS_INTERVAL_MS } from "./verify-runner.ts";

export interface BackupWorkDeps {
  handle: DatabaseHandle;
  cluster: Cluster;
  settings: BackupSettings;
  logger: Logger;
  releaseOf: (store: Store) => ReleaseSpec;
  /** Where the verify Jobs' image overrides are read (VERIFY_*_IMAGE). */
  env: Record<string, string | undefined>;
}

/** Starts every backup runner; resolves to the function that stops them all. */
export async function startBackupWork(deps: BackupWorkDeps): Promise<() => Promise<void>> {
  const { handle, cluster, settings, logger } = deps;
  const backups = createBackupRunner({ db: handle.db, cluster, settings, logger });
  const restores = createRestoreRunner({
    db: handle.db,
    cluster,
    settings,
    logger,
    releaseOf: deps.releaseOf,
  });
  const verifications = createVerifyRunner({
    db: handle.db,
    cluster,
    settings,
    images: readVerifyImages(deps.env, settings.image),
    logger,
  });
  backups.start(BACKUP_PASS_INTERVAL_MS);
  restores.start(RESTORE_PASS_INTERVAL_MS);
  verifications.start(VERIFY_PASS_INTERVAL_MS);
  const stopPurge = startBackupPurge({
    db: handle.db,
    objects: createObjectStore(settings.objectStore),
    logger,
  });
  // A backup, restore, clone or verify request wakes the runners at once.
  const unlisten = await handle.listen(BACKUP_WORK_CHANNEL, () => {
    backups.wake();
    restores.wake();
    verifications.wake();
  });
  return async () => {
    await unlisten().catch(() => undefined);
    await backups.stop().catch(() => undefined);
    await restores.stop().catch(() => undefined);
    await verifications.stop().catch(() => undefined);
    await stopPurge().catch(() => undefined);
  };
}
