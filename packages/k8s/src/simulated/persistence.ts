// The simulated cluster's state on disk, so that it outlives a process the
// way a real cluster outlives a killed controller. One process owns the file
// at a time (it is a test tool, not a shared store): it loads it at creation
// and rewrites it after every mutation.
//
// Writes are synchronous and atomic: the whole state goes to a temporary file
// in the same directory, which is then renamed over the old one. A SIGKILL at
// any instant leaves either the previous state or the new one, never a torn
// file. (No fsync: a killed process loses nothing the kernel already has; a
// power cut is not what this simulates.) Secrets are stored with their data,
// so the file is created 0600 — keep it in a private temporary directory.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { HelmReleaseState } from "../cluster.ts";
import { releasesFromHelmSecrets } from "../observe/build-snapshot.ts";
import type { PersistedFaults } from "./faults.ts";
import type { StoreDump } from "./object-store.ts";

/** 2: the cluster is kept as its Kubernetes objects (1 kept a hand-made view). */
export const STATE_FILE_VERSION = 2;

/**
 * Counters describing the cluster's history, which a test asserts on after
 * the processes that made it are gone. Per-process counters (reads,
 * snapshots, calls, overlaps) are not persisted.
 */
export interface PersistedCounters {
  helmCommands: number;
  /** helm installs/upgrades started, by `namespace/release`. */
  installsStarted: Record<string, number>;
  /** helm installs/upgrades that ran to `deployed`, by `namespace/release`. */
  completedInstalls: Record<string, number>;
  /** Releases recovered from `pending-*` by `unlockRelease`, by `namespace/release`. */
  releasesUnlocked: Record<string, number>;
}

export interface PersistedClusterState {
  version: typeof STATE_FILE_VERSION;
  savedAt: number;
  /** Every object, as the API server would return it (Secrets with their data). */
  store: StoreDump;
  /** Fault injections a real cluster would keep (a missing image, a stuck finalizer). */
  faults: PersistedFaults;
  counters: PersistedCounters;
}

/** The latest revision of every release in a saved state, read from Helm's release Secrets as a snapshot reads them. */
export function persistedReleases(state: PersistedClusterState): HelmReleaseState[] {
  return releasesFromHelmSecrets(
    state.store.objects
      .filter((o) => o.kind === "Secret" && o.metadata.labels?.owner === "helm")
      .map((o) => ({
        name: o.metadata.name,
        namespace: o.metadata.namespace ?? "",
        labels: o.metadata.labels ?? {},
      })),
  );
}

/** Names of the namespaces in a saved state (any phase). */
export function persistedNamespaces(state: PersistedClusterState): string[] {
  return state.store.objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);
}

/** The state in `path`, or null when there is no file yet. */
export function readSimulatedClusterState(path: string): PersistedClusterState | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`simulated cluster state file ${path} is not valid JSON`, { cause: error });
  }
  const version = (parsed as { version?: unknown } | null)?.version;
  if (version !== STATE_FILE_VERSION)
    throw new Error(
      `simulated cluster state file ${path} has version ${String(version)}, expected ${STATE_FILE_VERSION}`,
    );
  return parsed as PersistedClusterState;
}

let tempCounter = 0;

/** Writes `state` to `path` atomically (temp file in the same directory, then rename). */
export function writeSimulatedClusterState(path: string, state: PersistedClusterState): void {
  tempCounter += 1;
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter}.tmp`);
  writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  renameSync(temp, path);
}
