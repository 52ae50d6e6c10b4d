// Migrations are listed statically (not read from disk) so that bundled apps
// carry them and the order never depends on a directory listing.
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import * as initial from "./migrations/2026-11-23-0001-initial.ts";
import * as listAndRetentionIndexes from "./migrations/2026-12-02-0001-list-and-retention-indexes.ts";
import * as platformSettings from "./migrations/2026-12-02-0002-platform-settings.ts";
import * as backups from "./migrations/2026-12-02-0100-backups.ts";
import * as deletionProtection from "./migrations/2026-12-02-0200-deletion-protection.ts";
import * as suspend from "./migrations/2026-12-02-0201-suspend.ts";
import * as chartVersions from "./migrations/2026-12-02-0202-chart-versions.ts";
import * as filteredListIndexes from "./migrations/2026-12-02-0300-filtered-list-indexes.ts";
import * as rollouts from "./migrations/2026-12-02-0301-rollouts.ts";
import * as backupVerification from "./migrations/2026-12-02-0400-backup-verification.ts";
import * as restoreRuns from "./migrations/2026-12-02-0400-restore-runs.ts";
import * as storeRollback from "./migrations/2026-12-02-0410-store-rollback.ts";
import type { Database } from "./schema.ts";

const migrations: Record<string, Migration> = {
  "2026-11-23-0001-initial": initial,
  "2026-12-02-0001-list-and-retention-indexes": listAndRetentionIndexes,
  "2026-12-02-0002-platform-settings": platformSettings,
  "2026-12-02-0100-backups": backups,
  "2026-12-02-0200-deletion-protection": deletionProtection,
  "2026-12-02-0201-suspend": suspend,
  "2026-12-02-0202-chart-versions": chartVersions,
  "2026-12-02-0300-filtered-list-indexes": filteredListIndexes,
  "2026-12-02-0301-rollouts": rollouts,
  "2026-12-02-0400-backup-verification": backupVerification,
  "2026-12-02-0400-restore-runs": restoreRuns,
  "2026-12-02-0410-store-rollback": storeRollback,
};

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    throw new Error("database migration failed", { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
