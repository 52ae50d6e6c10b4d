// The backup Job's object-store step (images/backup/backup.sh and
// restore.sh call it; bundled into the backup image). The shell scripts make
// and apply the dumps with the engines' own tools; this moves them to and
// from the bucket with the same client the tests run against s3rver.
//
//   storeplane-backup upload   --dir DIR      (spec from BACKUP_* variables)
//   storeplane-backup download --dir DIR --store S --backup-id B [--manifest-sha256 H]
//
// Prints one JSON line on success (sizes, sha256s, never credentials); on
// failure prints `storeplane-backup: <reason>` to stderr and exits 1, or 75
// (EX_TEMPFAIL) when the failure is transient, so the Job's caller can retry.
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { objectStoreConfigFromEnv } from "../config.ts";
import { ObjectStoreError } from "../errors.ts";
import { backupSpecSchema, fetchBackup, writeBackup } from "../manifest.ts";
import { createObjectStore } from "../object-store.ts";

const EX_TEMPFAIL = 75;

function specFromEnv(env: NodeJS.ProcessEnv) {
  const result = backupSpecSchema.safeParse({
    store: env.BACKUP_STORE,
    backupId: env.BACKUP_ID,
    engine: env.BACKUP_ENGINE,
    plan: env.BACKUP_PLAN,
    chartVersion: env.BACKUP_CHART_VERSION,
    valuesDigest: env.BACKUP_VALUES_DIGEST,
    url: env.STORE_URL,
  });
  if (result.success) return result.data;
  const names: Record<string, string> = {
    store: "BACKUP_STORE",
    backupId: "BACKUP_ID",
    engine: "BACKUP_ENGINE",
    plan: "BACKUP_PLAN",
    chartVersion: "BACKUP_CHART_VERSION",
    valuesDigest: "BACKUP_VALUES_DIGEST",
    url: "STORE_URL",
  };
  const problems = result.error.issues.map(
    (i) => `${names[String(i.path[0])] ?? i.path.join(".")}: ${i.message}`,
  );
  throw new Error(`invalid backup spec: ${problems.join("; ")}`);
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: "string" },
      store: { type: "string" },
      "backup-id": { type: "string" },
      "manifest-sha256": { type: "string" },
    },
  });
  const command = positionals[0];
  if (!values.dir) throw new Error("--dir is required");
  const objects = createObjectStore(objectStoreConfigFromEnv(process.env));
  if (command === "upload") {
    const written = await writeBackup(objects, specFromEnv(process.env), values.dir);
    console.log(
      JSON.stringify({
        manifestKey: written.manifestKey,
        manifestSha256: written.manifestSha256,
        size: written.size,
        parts: written.manifest.parts,
      }),
    );
    return;
  }
  if (command === "download") {
    if (!values.store || !values["backup-id"])
      throw new Error("--store and --backup-id are required");
    mkdirSync(values.dir, { recursive: true });
    const manifest = await fetchBackup(
      objects,
      {
        store: values.store,
        backupId: values["backup-id"],
        manifestSha256: values["manifest-sha256"] || undefined,
      },
      values.dir,
    );
    console.log(JSON.stringify(manifest));
    return;
  }
  throw new Error(`unknown command "${command ?? ""}" (upload | download)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`storeplane-backup: ${message}\n`);
  process.exit(error instanceof ObjectStoreError && error.transient ? EX_TEMPFAIL : 1);
});
