// Steps the backup and rollout cluster suites share, through the typed client
// (and kubectl/helm for what only the cluster can tell).
import type { ClientStore, StoreplaneClient } from "@storeplane/api/client";
import { run } from "./tools.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why the installed platform cannot run backups, or null (the controller's env has BACKUPS_ENABLED=true). */
export function backupsProblem(
  namespace = process.env.STOREPLANE_NAMESPACE ?? "storeplane",
): string | null {
  const env = run("kubectl", [
    "-n",
    namespace,
    "get",
    "deployment",
    "storeplane-controller",
    "-o",
    "jsonpath={.spec.template.spec.containers[0].env[?(@.name=='BACKUPS_ENABLED')].value}",
  ]);
  if (env.status !== 0) return `cannot read the controller Deployment: ${env.stderr.trim()}`;
  if (env.stdout.trim() !== "true")
    return "the platform runs without backups (BACKUPS_ENABLED is not true): install it with charts/platform/values-local.yaml (bundled object store) or set backups.* (docs/backups.md)";
  return null;
}

/** Waits until the backup has succeeded (its size and sha256 recorded); throws with its error if it failed. */
export async function waitForBackup(
  client: StoreplaneClient,
  store: string,
  backupId: string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const backup = (await client.backups.list.query({ store })).find((b) => b.id === backupId);
    if (!backup) throw new Error(`backup ${backupId} is not listed for ${store}`);
    if (backup.status === "succeeded") return backup;
    if (backup.status === "failed")
      throw new Error(`backup ${backupId} failed: ${backup.error ?? "no error recorded"}`);
    if (Date.now() > deadline)
      throw new Error(
        `backup ${backupId} still ${backup.status} after ${timeoutMs / 1000}s (last error: ${backup.error ?? "none"})`,
      );
    await sleep(3_000);
  }
}

/** A restore shows the store Restoring, then Ready again (issue 15); returns the Ready store. */
export async function waitForRestore(
  client: StoreplaneClient,
  storeId: string,
  timeoutMs: number,
): Promise<ClientStore> {
  const deadline = Date.now() + timeoutMs;
  let sawRestoring = false;
  for (;;) {
    const store = await client.stores.get.query({ id: storeId });
    // A string: the Restoring phase arrives with the controller's restore work.
    const phase: string = store.phase;
    if (phase === "Restoring") sawRestoring = true;
    if (sawRestoring && store.phase === "Ready") return store;
    if (store.phase === "Failed")
      throw new Error(`restore of ${store.name} failed: ${store.lastError ?? "no error recorded"}`);
    if (Date.now() > deadline)
      throw new Error(
        sawRestoring
          ? `${store.name} still ${store.phase} ${timeoutMs / 1000}s after the restore was requested`
          : `${store.name} never showed Restoring within ${timeoutMs / 1000}s: does the controller run restores?`,
      );
    await sleep(2_000);
  }
}

export interface HelmRevision {
  revision: number;
  status: string;
  chart: string;
}

/** The store release's revisions, oldest first (`helm history -o json`). */
export function helmHistory(storeName: string): HelmRevision[] {
  const result = run("helm", [
    "history",
    "store",
    "-n",
    `store-${storeName}`,
    "-o",
    "json",
    "--max",
    "256",
  ]);
  if (result.status !== 0)
    throw new Error(`helm history for store-${storeName} failed: ${result.stderr.trim()}`);
  return (JSON.parse(result.stdout) as HelmRevision[]).sort((a, b) => a.revision - b.revision);
}
