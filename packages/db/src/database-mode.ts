// Which cluster mode a database belongs to. Simulated mode fills a database
// with demo stores; if a process in kube mode then opened the same database it
// would reconcile every one of them against a real cluster (this happened: 202
// demo stores picked up from a shared .data/pglite). So the first process to
// start records its mode, and a process of the other mode refuses to start.
// The mode is an opaque word here (the vocabulary lives with CLUSTER in
// packages/k8s); this package only keeps it and compares it.
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

const MODE_KEY = "cluster_mode";

export class DatabaseModeMismatch extends Error {
  override readonly name = "DatabaseModeMismatch";
  constructor(
    readonly recorded: string,
    readonly requested: string,
    where: string,
  ) {
    super(
      `refusing to start with CLUSTER=${requested}: the database (${where}) belongs to CLUSTER=${recorded}` +
        `${requested === "kube" ? ", and its stores would be reconciled against a real cluster" : ""}. ` +
        `Fix: start with CLUSTER=${recorded}, or give CLUSTER=${requested} a database of its own ` +
        `(unset PGLITE_DATA_DIR for the default ${defaultPgliteDataDir(requested)}, or point DATABASE_URL at another database).`,
    );
  }
}

/**
 * Records `mode` on a database that has none, then checks it: throws
 * DatabaseModeMismatch (naming both modes and the fix) when the database
 * belongs to the other mode. Atomic: two processes racing on a fresh
 * database agree on one winner.
 */
export async function claimDatabaseMode(
  db: Kysely<Database>,
  mode: string,
  where: string,
): Promise<void> {
  await db
    .insertInto("platform_settings")
    .values({ key: MODE_KEY, value: mode })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const recorded = await db
    .selectFrom("platform_settings")
    .select("value")
    .where("key", "=", MODE_KEY)
    .executeTakeFirstOrThrow();
  if (recorded.value !== mode) throw new DatabaseModeMismatch(recorded.value, mode, where);
}

/**
 * Where the embedded database lives by default, relative to the working
 * directory: one directory per mode, so simulated and real data never share
 * files in the first place (the recorded mode is the second line of defence,
 * and the only one for a shared DATABASE_URL).
 */
export function defaultPgliteDataDir(mode: string): string {
  return mode === "kube" ? ".data/pglite" : `.data/pglite-${mode}`;
}
