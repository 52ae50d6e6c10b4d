// Test helpers: run one suite on the embedded PGlite and on real Postgres.
// Real Postgres comes from TEST_DATABASE_URL (`.ci/run` starts a throwaway
// server); each suite gets a fresh database of its own. Without the URL the
// real-Postgres half is skipped with a visible reason, or fails when
// REQUIRE_REAL_POSTGRES=1 (as in CI).
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../connect.ts";
import { migrateToLatest } from "../migrate.ts";

export interface DatabaseFixture {
  /** The open, migrated database for this suite (valid inside tests and hooks). */
  handle(): DatabaseHandle;
  kind: "pglite" | "postgres";
}

export function describeEachDatabase(
  title: string,
  body: (fixture: DatabaseFixture) => void,
): void {
  describe(`${title} [PGlite]`, () => {
    let handle: DatabaseHandle | undefined;
    beforeAll(async () => {
      handle = await openDatabase();
      await migrateToLatest(handle.db);
    });
    afterAll(async () => handle?.close());
    body({ handle: () => required(handle), kind: "pglite" });
  });
  describeRealPostgres(title, body);
}

/** Only the real-Postgres half: for concurrency tests PGlite (one connection) cannot express. */
export function describeRealPostgres(
  title: string,
  body: (fixture: DatabaseFixture) => void,
): void {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    if (process.env.REQUIRE_REAL_POSTGRES === "1") {
      describe(`${title} [real Postgres]`, () => {
        it("has a real Postgres to run against", () => {
          throw new Error("REQUIRE_REAL_POSTGRES=1 but TEST_DATABASE_URL is not set");
        });
      });
    } else {
      describe.skip(`${title} [real Postgres] — skipped: TEST_DATABASE_URL not set`, () => {
        body({ handle: () => required(undefined), kind: "postgres" });
      });
    }
    return;
  }
  describe(`${title} [real Postgres]`, () => {
    let handle: DatabaseHandle | undefined;
    let dropDatabase: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const fresh = await createFreshDatabase(adminUrl);
      dropDatabase = fresh.drop;
      handle = await openDatabase({ url: fresh.url, poolSize: 60 });
      await migrateToLatest(handle.db);
    });
    afterAll(async () => {
      await handle?.close();
      await dropDatabase?.();
    });
    body({ handle: () => required(handle), kind: "postgres" });
  });
}

export async function createFreshDatabase(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `storeplane_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      // pg's Pool.end() resolves before its clients have finished closing; a
      // forced drop would then kill them mid-goodbye and they report FATAL
      // 57P01 as unhandled errors. Give them a moment to go on their own.
      for (let i = 0; i < 50; i++) {
        const { rows } = await client.query(
          "select count(*)::int as n from pg_stat_activity where datname = $1",
          [name],
        );
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      await client.end();
    },
  };
}

/**
 * A migrated database of its own for a script or suite: a fresh database on the
 * real Postgres at `adminUrl` (dropped by `drop`), or an in-memory PGlite.
 */
export async function openTestDatabase(
  adminUrl: string | undefined = process.env.TEST_DATABASE_URL,
): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> {
  if (!adminUrl) {
    const handle = await openDatabase();
    await migrateToLatest(handle.db);
    return { handle, drop: async () => undefined };
  }
  const fresh = await createFreshDatabase(adminUrl);
  const handle = await openDatabase({ url: fresh.url, poolSize: 20 });
  await migrateToLatest(handle.db);
  return { handle, drop: fresh.drop };
}

/** Empties every table between tests that need a clean slate. */
export async function resetDatabase(handle: DatabaseHandle): Promise<void> {
  await sql`truncate audit_log, store_events, store_restores, backup_schedules, backups, stores, api_tokens, sessions, users restart identity cascade`.execute(
    handle.db,
  );
}

function required(handle: DatabaseHandle | undefined): DatabaseHandle {
  if (!handle) throw new Error("database fixture used outside its suite");
  return handle;
}
