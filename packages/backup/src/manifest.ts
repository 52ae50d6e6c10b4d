// A backup's manifest: what the backup is of (store, engine, plan, chart
// version, values digest, URL) and every part with its size and sha256. It is
// written last, so its presence marks a complete backup, and its own sha256 is
// what the platform records; a restore checks the manifest against that, then
// every part against the manifest, before it touches the store.
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { z } from "zod";
import { assertPartName, MANIFEST_NAME, manifestKey, partKey } from "./keys.ts";
import type { ObjectStore } from "./object-store.ts";

export const ENGINES = ["medusa", "woocommerce"] as const;

export const backupSpecSchema = z.object({
  store: z.string().min(1),
  backupId: z.string().min(1),
  engine: z.enum(ENGINES),
  plan: z.string().min(1),
  chartVersion: z.string().min(1),
  valuesDigest: z.string().min(1),
  /** The store's public URL when backed up: what a clone rewrites. */
  url: z.url(),
});
export type BackupSpec = z.infer<typeof backupSpecSchema>;

const partSchema = z.object({
  name: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = backupSpecSchema.extend({
  formatVersion: z.literal(1),
  createdAt: z.iso.datetime(),
  parts: z.array(partSchema).min(1),
  totalSize: z.number().int().nonnegative(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export interface WrittenBackup {
  manifest: BackupManifest;
  manifestKey: string;
  manifestSha256: string;
  /** Parts plus manifest, in bytes. */
  size: number;
}

/** Uploads every file of `dir` as a part of the backup, then the manifest. */
export async function writeBackup(
  objects: ObjectStore,
  spec: BackupSpec,
  dir: string,
  now: () => Date = () => new Date(),
): Promise<WrittenBackup> {
  const names = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
  if (names.length === 0) throw new Error(`backup folder ${dir} holds no parts`);
  const parts = [];
  for (const name of names) {
    assertPartName(name);
    if (name === MANIFEST_NAME) throw new Error(`a part may not be named ${MANIFEST_NAME}`);
    const put = await objects.putFile(partKey(spec.store, spec.backupId, name), join(dir, name));
    parts.push({ name, size: put.size, sha256: put.sha256 });
  }
  const manifest: BackupManifest = {
    formatVersion: 1,
    ...spec,
    createdAt: now().toISOString(),
    parts,
    totalSize: parts.reduce((sum, part) => sum + part.size, 0),
  };
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const key = manifestKey(spec.store, spec.backupId);
  const put = await objects.putStream(key, Readable.from([bytes]), "application/json");
  return {
    manifest,
    manifestKey: key,
    manifestSha256: put.sha256,
    size: manifest.totalSize + put.size,
  };
}

export function parseManifest(bytes: Buffer, where: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new Error(`manifest ${where} is not JSON`);
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`manifest ${where} is invalid: ${problems.join("; ")}`);
  }
  return result.data;
}

export function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Downloads a backup into `dir`, every part verified against the manifest
 * (and the manifest against `manifestSha256` when the caller recorded it).
 * Throws before returning if anything differs, so a caller that restores
 * only after this resolved never restores bytes that were not backed up.
 */
export async function fetchBackup(
  objects: ObjectStore,
  location: { store: string; backupId: string; manifestSha256?: string },
  dir: string,
): Promise<BackupManifest> {
  const key = manifestKey(location.store, location.backupId);
  const manifest = parseManifest(await objects.getBytes(key, location.manifestSha256), key);
  if (manifest.store !== location.store || manifest.backupId !== location.backupId) {
    throw new Error(
      `manifest ${key} describes ${manifest.store}/${manifest.backupId}, not this backup`,
    );
  }
  for (const part of manifest.parts) {
    assertPartName(part.name);
    await objects.getFile(
      partKey(location.store, location.backupId, part.name),
      join(dir, part.name),
      part.sha256,
    );
  }
  return manifest;
}
