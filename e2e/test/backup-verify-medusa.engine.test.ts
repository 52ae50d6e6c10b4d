// Level: real engine. "Verify" of a Medusa backup for real: the Medusa app of
// images/medusa (2.21) on a real PostgreSQL, backup.sh to a real
// S3-compatible server (s3rver), then images/backup/verify.sh as the verify
// Job runs it: download and check the backup, restore it into a NEW scratch
// database, start Medusa on it, GET /health, find the order placed before
// the backup through the Admin API, drop the scratch database → pass. A
// corrupted backup fails with its reason and leaves no database behind; a
// scratch database that already exists is refused untouched.
//
// Needs TEST_DATABASE_URL (a Postgres superuser URL). REQUIRE_MEDUSA=1 turns
// a missing prerequisite into a failure.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createObjectStore, partKey } from "@storeplane/backup";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { placeMedusaOrder } from "../src/orders/medusa.ts";
import {
  type BackupHarness,
  type BackupSummary,
  backupSpecEnv,
  startBackupHarness,
} from "./backup/backup-job.ts";
import {
  ensureMedusaInstalled,
  MEDUSA_CLI,
  MEDUSA_DIR,
  type MedusaInstance,
  medusaInstance,
} from "./backup/medusa-app.ts";
import { describeEngine } from "./harness/engine-suite.ts";
import { freePort } from "./harness/processes.ts";
import { acquireSuiteLock } from "./harness/suite-lock.ts";

const databaseUrl = process.env.TEST_DATABASE_URL;
const PG_BIN = (() => {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin/pg_restore")));
  versions.sort((a, b) => Number(a) - Number(b));
  const newest = versions.pop();
  return newest ? join(root, newest, "bin") : undefined;
})();
const problem = !databaseUrl
  ? "TEST_DATABASE_URL not set (real Postgres needed)"
  : !PG_BIN
    ? "no pg_restore under /usr/lib/postgresql/*/bin (install postgresql-15)"
    : null;

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
const databaseExists = async (name: string) =>
  (await query("select 1 from pg_database where datname = $1", [name])).length > 0;

describeEngine(
  "Medusa backup verify engine",
  "Medusa backup verify — verify.sh restores into a scratch database, starts real Medusa 2.21, finds the order, drops the database",
  { requireVar: "REQUIRE_MEDUSA", problem },
  () => {
    const suffix = randomBytes(4).toString("hex");
    const live = `medusa_verify_${suffix}_live`;
    const adminEmail = "admin@storeplane.test";
    const adminPassword = randomBytes(12).toString("base64url");
    const created: string[] = [];
    const figures: Record<string, number> = {};
    let shop: MedusaInstance;
    let jobs: BackupHarness;
    let summary: BackupSummary;
    let order = { id: "", displayId: 0 };
    const server = new URL(databaseUrl as string);
    // The verify Job's scratch server: libpq's variables, no database (verify.sh makes its own).
    const scratchEnv = () => ({
      PATH: `${PG_BIN}:${process.env.PATH}`,
      PGHOST: server.hostname,
      PGPORT: server.port || "5432",
      PGUSER: decodeURIComponent(server.username),
      PGPASSWORD: decodeURIComponent(server.password),
      NODE_ENV: "development",
      MEDUSA_CLI: `node ${MEDUSA_CLI}`,
      MEDUSA_DIR,
    });
    const verifyEnv = async (scratch: string, extra: Record<string, string> = {}) => ({
      ...scratchEnv(),
      VERIFY_PORT: String(await freePort()),
      VERIFY_DATABASE: scratch,
      BACKUP_ENGINE: "medusa",
      RESTORE_FROM_STORE: "shop-v",
      RESTORE_BACKUP_ID: "bk1",
      RESTORE_MANIFEST_SHA256: summary.manifestSha256,
      ...extra,
    });

    let releaseMedusaLock: (() => void) | undefined;
    // Registered first, so it runs last (vitest runs after-hooks as a stack), even if the clean-up fails.
    afterAll(() => releaseMedusaLock?.());
    beforeAll(async () => {
      // One real-Medusa suite at a time (suite-lock.ts says why).
      releaseMedusaLock = await acquireSuiteLock("medusa");
      await ensureMedusaInstalled();
      await query(`create database ${live}`);
      created.push(live);
      const url = new URL(databaseUrl as string);
      url.pathname = `/${live}`;
      shop = await medusaInstance(url.toString(), "Storeplane Verify Shop");
      await shop.cli("db:migrate");
      await shop.cli("exec", "./src/scripts/seed.ts");
      await shop.createAdmin(adminEmail, adminPassword);
      await shop.start();
      jobs = await startBackupHarness();
      const placed = await placeMedusaOrder({ baseUrl: shop.baseUrl, email: "v@example.com" });
      const [row] = await queryIn(live, 'select display_id from "order" where id = $1', [
        placed.orderId,
      ]);
      order = { id: placed.orderId, displayId: Number(row?.display_id) };
      const backup = await jobs.backup({
        PATH: `${PG_BIN}:${process.env.PATH}`,
        PGHOST: server.hostname,
        PGPORT: server.port || "5432",
        PGUSER: decodeURIComponent(server.username),
        PGDATABASE: live,
        ...backupSpecEnv({ store: "shop-v", backupId: "bk1", engine: "medusa", url: shop.baseUrl }),
      });
      if (backup.code !== 0) throw new Error(`backup.sh failed\n${backup.output}`);
      summary = backup.summary as BackupSummary;
      figures["backup size (bytes)"] = summary.size;
      // The live store keeps running: verify never touches it.
    }, 900_000);

    async function queryIn(database: string, sql: string, params: unknown[] = []) {
      const url = new URL(databaseUrl as string);
      url.pathname = `/${database}`;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    }

    afterAll(async () => {
      await shop?.stop();
      await jobs?.stop();
      for (const name of created) await query(`drop database if exists ${name} with (force)`);
      console.log(`medusa verify figures (bytes, ms): ${JSON.stringify(figures)}`);
    }, 120_000);

    it("passes a good backup: restored into a new scratch database, Medusa healthy, the order found by id, the database dropped", async () => {
      const scratch = `verify_${suffix}_a`;
      const ordersBefore = await queryIn(live, 'select count(*)::int as n from "order"');
      const run = await jobs.verify(await verifyEnv(scratch, { VERIFY_ORDER_ID: order.id }));
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain(`restoring into the scratch database ${scratch}`);
      expect(run.output).toContain(`scratch database ${scratch} dropped`);
      const result = run.result as VerifyResult;
      expect(result).toMatchObject({
        verified: true,
        backupId: "bk1",
        engine: "medusa",
        lookup: { order: { id: order.id, displayId: order.displayId } },
      });
      figures["verify restore (ms)"] = result.restoreMs;
      figures["verify start+check (ms)"] = result.checkMs;
      figures["verify total (ms)"] = Math.round(run.ms);
      console.log(
        `medusa verify: ${result.sizeKiB} KiB restored in ${result.restoreMs} ms, Medusa checked in ${result.checkMs} ms, ${(run.ms / 1000).toFixed(1)} s in all`,
      );
      expect(await databaseExists(scratch)).toBe(false);
      // The live store is untouched: same orders, and the verify admin is not in it.
      expect(await queryIn(live, 'select count(*)::int as n from "order"')).toEqual(ordersBefore);
      expect(await queryIn(live, "select email from \"user\" where email like 'verify-%'")).toEqual(
        [],
      );
      expect((await fetch(`${shop.baseUrl}/health`)).ok).toBe(true);
    }, 600_000);

    it("without an order id, looks up the newest order and reports how many the backup holds", async () => {
      const scratch = `verify_${suffix}_b`;
      const run = await jobs.verify(await verifyEnv(scratch));
      expect(run.code, run.output).toBe(0);
      expect(run.result?.lookup).toEqual({
        order: { id: order.id, displayId: order.displayId },
        count: 1,
      });
      expect(await databaseExists(scratch)).toBe(false);
    }, 600_000);

    it("fails an order that is not in the backup, naming it, and drops the scratch database", async () => {
      const scratch = `verify_${suffix}_c`;
      const run = await jobs.verify(
        await verifyEnv(scratch, { VERIFY_ORDER_ID: "order_NOTINTHEBACKUP" }),
      );
      expect(run.code).not.toBe(0);
      expect(run.output).toContain("verify: FAILED: order order_NOTINTHEBACKUP not found");
      expect(await databaseExists(scratch)).toBe(false);
    }, 600_000);

    it("refuses a scratch database that already exists, leaving it as it was", async () => {
      const scratch = `verify_${suffix}_d`;
      await query(`create database ${scratch}`);
      created.push(scratch);
      await queryIn(scratch, "create table keep_me (id int)");
      const run = await jobs.verify(await verifyEnv(scratch));
      expect(run.code).not.toBe(0);
      expect(run.output).toContain(`cannot create the scratch database ${scratch}`);
      expect(await queryIn(scratch, "select count(*)::int as n from keep_me")).toEqual([{ n: 0 }]);
    }, 300_000);

    it("fails a corrupted backup with the reason, before creating any database", async () => {
      const scratch = `verify_${suffix}_e`;
      const objects = createObjectStore(jobs.s3.config());
      const key = partKey("shop-v", "bk1", "database.dump");
      const original = await objects.getBytes(key);
      const corrupted = Buffer.from(original);
      const at = Math.floor(corrupted.length / 2);
      corrupted[at] = (corrupted[at] ?? 0) ^ 0x01;
      await objects.putStream(key, Readable.from([corrupted]));
      try {
        const run = await jobs.verify(await verifyEnv(scratch));
        expect(run.code).not.toBe(0);
        expect(run.output).toContain(`backup object ${key} is corrupted`);
        expect(run.output).toContain("verify: FAILED: backup bk1 cannot be fetched and verified");
        expect(run.result).toBeUndefined();
        expect(await databaseExists(scratch)).toBe(false);
      } finally {
        await objects.putStream(key, Readable.from([original]));
      }
    }, 300_000);
  },
);

interface VerifyResult {
  verified: true;
  backupId: string;
  engine: string;
  lookup: { order: { id: string; displayId: number } | null; count: number | null };
  sizeKiB: number;
  restoreMs: number;
  checkMs: number;
}
