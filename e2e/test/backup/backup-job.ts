// The backup and restore Jobs of images/backup run for real: the shell
// scripts the image bakes in, with the engine's own tools from this machine
// (pg_dump/pg_restore, mariadb-dump/mariadb, tar, WP-CLI), and the
// storeplane-backup step run from source with tsx against a real
// S3-compatible server (s3rver, @storeplane/backup/testing). Only the Job's
// environment is written here, as the controller's Job spec would set it.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startTestS3Server, type TestS3Server } from "@storeplane/backup/testing";
import { type CommandResult, type RunAs, runCommand } from "../harness/processes.ts";

const repoRoot = resolve(import.meta.dirname, "../../..");
export const BACKUP_SCRIPT = join(repoRoot, "images/backup/backup.sh");
export const RESTORE_SCRIPT = join(repoRoot, "images/backup/restore.sh");
export const VERIFY_SCRIPT = join(repoRoot, "images/backup/verify.sh");
const TSX = join(repoRoot, "node_modules/.bin/tsx");
const CLI = join(repoRoot, "packages/backup/src/bin/storeplane-backup.ts");

export interface BackupHarness {
  s3: TestS3Server;
  /** Object-store variables of the Job (endpoint, bucket, keys from the credentials Secret). */
  objectStoreEnv: Record<string, string>;
  /** Runs backup.sh; `result.summary` is its last JSON line when it succeeded. */
  backup: (env: Record<string, string>, runAs?: RunAs) => Promise<BackupRun>;
  /**
   * Runs restore.sh (both phases); with `phase`, one phase of it as the
   * WooCommerce restore Job's containers do, optionally from another copy of
   * the script (the apply container runs the one the download phase copied).
   */
  restore: (
    env: Record<string, string>,
    runAs?: RunAs,
    phase?: { args: ["download" | "apply"]; script?: string },
  ) => Promise<CommandResult>;
  /** Runs verify.sh (all phases by default); `result.result` is its last JSON line when it passed. */
  verify: (env: Record<string, string>, runAs?: RunAs, phase?: string) => Promise<VerifyRun>;
  stop: () => Promise<void>;
}

export interface BackupSummary {
  manifestKey: string;
  manifestSha256: string;
  size: number;
  parts: Array<{ name: string; size: number; sha256: string }>;
}

export interface BackupRun extends CommandResult {
  summary?: BackupSummary;
}

export interface VerifyRun extends CommandResult {
  // biome-ignore lint/suspicious/noExplicitAny: each engine suite reads its own fields
  result?: any;
}

function lastJsonLine(output: string): unknown {
  const last = output
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .pop();
  return last ? JSON.parse(last) : undefined;
}

export async function startBackupHarness(): Promise<BackupHarness> {
  const s3 = await startTestS3Server();
  const config = s3.config();
  // The image's `storeplane-backup` is the bundled CLI; here the same source through tsx.
  const bin = mkdtempSync(join(tmpdir(), "storeplane-backup-bin-"));
  chmodSync(bin, 0o755);
  const wrapper = join(bin, "storeplane-backup");
  writeFileSync(wrapper, `#!/bin/sh\nexec "${TSX}" "${CLI}" "$@"\n`, { mode: 0o755 });
  const objectStoreEnv = {
    BACKUP_S3_ENDPOINT: config.endpoint,
    BACKUP_S3_BUCKET: config.bucket,
    BACKUP_S3_REGION: config.region,
    AWS_ACCESS_KEY_ID: config.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.secretAccessKey,
    STOREPLANE_BACKUP: wrapper,
  };
  const base = () => ({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? tmpdir(),
    TMPDIR: tmpdir(),
    ...objectStoreEnv,
  });
  return {
    s3,
    objectStoreEnv,
    backup: async (env, runAs) => {
      const result: BackupRun = await runCommand("sh", [BACKUP_SCRIPT], {
        env: { ...base(), ...env },
        timeoutMs: 300_000,
        runAs,
      });
      if (result.code === 0) {
        const last = result.output
          .trim()
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .pop();
        if (last) result.summary = JSON.parse(last) as BackupSummary;
      }
      return result;
    },
    restore: (env, runAs, phase) =>
      runCommand("sh", [phase?.script ?? RESTORE_SCRIPT, ...(phase?.args ?? [])], {
        env: { ...base(), ...env },
        timeoutMs: 300_000,
        runAs,
      }),
    verify: async (env, runAs, phase) => {
      const result: VerifyRun = await runCommand("sh", [VERIFY_SCRIPT, ...(phase ? [phase] : [])], {
        env: { ...base(), ...env },
        timeoutMs: 400_000,
        runAs,
      });
      if (result.code === 0) result.result = lastJsonLine(result.output);
      return result;
    },
    stop: async () => {
      await s3.stop();
      rmSync(bin, { recursive: true, force: true });
    },
  };
}

/** What every backup records about its store (the controller takes it from the store's row). */
export function backupSpecEnv(spec: {
  store: string;
  backupId: string;
  engine: "medusa" | "woocommerce";
  url: string;
}): Record<string, string> {
  return {
    BACKUP_ENGINE: spec.engine,
    BACKUP_STORE: spec.store,
    BACKUP_ID: spec.backupId,
    BACKUP_PLAN: "small",
    BACKUP_CHART_VERSION: "0.1.0",
    BACKUP_VALUES_DIGEST: "sha256:enginetest",
    STORE_URL: spec.url,
  };
}
