// Level: real engine. Backup, restore and clone of a Medusa store for real:
// the Medusa app of images/medusa (2.21, as medusa.engine.test.ts runs it) on
// a real PostgreSQL, images/backup/backup.sh and restore.sh run under `sh`
// with pg_dump/pg_restore from this machine, and their objects in a real
// S3-compatible server (s3rver). Seed, order A, back up, order B, restore →
// only order A and the Store API works; clone into a new database served at a
// new URL with new secrets → order A there, the source's admin login refused
// and the clone's own admin working, and CORS follows the new URL; a
// corrupted backup object is refused before the database is touched.
//
// Needs TEST_DATABASE_URL (a Postgres superuser URL; two databases
// medusa_backup_<random>_{a,b} are created and dropped). REQUIRE_MEDUSA=1 turns
// a missing prerequisite into a failure.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createObjectStore, partKey } from "@storeplane/backup";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listMedusaOrders, medusaAdminToken, placeMedusaOrder } from "../src/orders/medusa.ts";
import {
  type BackupHarness,
  type BackupSummary,
  backupSpecEnv,
  startBackupHarness,
} from "./backup/backup-job.ts";
import {
  adminIdentityRows,
  ensureMedusaInstalled,
  type MedusaInstance,
  medusaInstance,
} from "./backup/medusa-app.ts";
import { describeEngine } from "./harness/engine-suite.ts";
import { runCommand } from "./harness/processes.ts";
import { acquireSuiteLock } from "./harness/suite-lock.ts";

const databaseUrl = process.env.TEST_DATABASE_URL;
const PG_BIN = (() => {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin/pg_dump")));
  versions.sort((a, b) => Number(a) - Number(b));
  const newest = versions.pop();
  return newest ? join(root, newest, "bin") : undefined;
})();
const problem = !databaseUrl
  ? "TEST_DATABASE_URL not set (real Postgres needed)"
  : !PG_BIN
    ? "no pg_dump under /usr/lib/postgresql/*/bin (install postgresql-15)"
    : null;

const figures: Record<string, number> = {};
function figure(name: string, value: number) {
  figures[name] = Math.round(value);
}

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function countIn(database: string, sql: string, params: unknown[] = []) {
  const url = new URL(databaseUrl as string);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return Number((await client.query(sql, params)).rows[0]?.n);
  } finally {
    await client.end();
  }
}

/** libpq's variables for a database URL: how the Job receives its database (password from the store's Secret). */
function libpqEnv(url: string, password: string): Record<string, string> {
  const u = new URL(url);
  return {
    PGHOST: u.hostname,
    PGPORT: u.port || "5432",
    PGUSER: decodeURIComponent(u.username),
    PGDATABASE: u.pathname.slice(1),
    // The throwaway server trusts local connections; the variable is still passed as the Job passes it.
    PGPASSWORD: password,
  };
}

describeEngine(
  "Medusa backup engine",
  "Medusa backup, restore and clone — real Medusa 2.21 on Postgres, real pg_dump, real S3 (s3rver)",
  { requireVar: "REQUIRE_MEDUSA", problem },
  () => {
    const suffix = randomBytes(4).toString("hex");
    const dbA = `medusa_backup_${suffix}_a`;
    const dbB = `medusa_backup_${suffix}_b`;
    const urlOf = (name: string) => {
      const url = new URL(databaseUrl as string);
      url.pathname = `/${name}`;
      return url.toString();
    };
    const adminEmail = "admin@storeplane.test";
    const adminPassword = randomBytes(12).toString("base64url");
    const dbPassword = randomBytes(12).toString("hex");
    const created: string[] = [];
    let shop: MedusaInstance;
    let clone: MedusaInstance | undefined;
    let jobs: BackupHarness;
    let summary: BackupSummary;
    let orderA = "";
    const jobEnv = (database: string, extra: Record<string, string> = {}) => ({
      PATH: `${PG_BIN}:${process.env.PATH}`,
      ...libpqEnv(urlOf(database), dbPassword),
      ...extra,
    });

    let releaseMedusaLock: (() => void) | undefined;
    // Registered first, so it runs last (vitest runs after-hooks as a stack), even if the clean-up fails.
    afterAll(() => releaseMedusaLock?.());
    beforeAll(async () => {
      // One real-Medusa suite at a time (suite-lock.ts says why).
      releaseMedusaLock = await acquireSuiteLock("medusa");
      const installed = await ensureMedusaInstalled();
      console.log(`medusa backup: images/medusa dependencies ${installed}`);
      await admin(`create database ${dbA}`);
      created.push(dbA);
      shop = await medusaInstance(urlOf(dbA), "Storeplane Backup Shop");
      await shop.cli("db:migrate");
      await shop.cli("exec", "./src/scripts/seed.ts");
      await shop.createAdmin(adminEmail, adminPassword);
      await shop.start();
      jobs = await startBackupHarness();
    }, 900_000);

    afterAll(async () => {
      await clone?.stop();
      await shop?.stop();
      await jobs?.stop();
      for (const name of created) await admin(`drop database if exists ${name} with (force)`);
      console.log(`medusa backup figures (bytes, ms): ${JSON.stringify(figures)}`);
    }, 120_000);

    const orders = async (
      instance: MedusaInstance,
      email = adminEmail,
      password = adminPassword,
    ) => {
      try {
        return (
          await listMedusaOrders({
            baseUrl: instance.baseUrl,
            adminEmail: email,
            adminPassword: password,
          })
        )
          .map((o) => o.id)
          .sort();
      } catch (error) {
        // What the server's own database holds for the login, and its log: a
        // refused login is otherwise impossible to tell apart from a wrong server.
        const identities = await adminIdentityRows(instance.databaseUrl, email).catch(
          (e: Error) => `unreadable (${e.message})`,
        );
        throw new Error(
          `${(error as Error).message}\n${new URL(instance.databaseUrl).pathname.slice(1)} holds ${identities} identity row(s) for ${email}; ` +
            `server at ${instance.baseUrl}, log tail:\n${instance.log().slice(-4000)}`,
        );
      }
    };

    it("backs up after order A; after order B a restore brings back only order A, and the Store API takes orders", async () => {
      orderA = (await placeMedusaOrder({ baseUrl: shop.baseUrl, email: "a@example.com" })).orderId;
      const backup = await jobs.backup(
        jobEnv(
          dbA,
          backupSpecEnv({ store: "shop-a", backupId: "bk1", engine: "medusa", url: shop.baseUrl }),
        ),
      );
      expect(backup.code, backup.output).toBe(0);
      expect(backup.output).toContain(`dumping Postgres database ${dbA}`);
      summary = backup.summary as BackupSummary;
      expect(summary.manifestKey).toBe("stores/shop-a/bk1/manifest.json");
      expect(summary.parts.map((p) => p.name)).toEqual(["database.dump"]);
      figure("backup size", summary.size);
      figure("backup duration", backup.ms);
      console.log(`medusa backup: ${summary.size} bytes in ${(backup.ms / 1000).toFixed(1)}s`);

      const orderB = (await placeMedusaOrder({ baseUrl: shop.baseUrl, email: "b@example.com" }))
        .orderId;
      expect(await orders(shop)).toEqual([orderA, orderB].sort());

      // The controller stops the store's workloads while it shows Restoring.
      await shop.stop();
      const restore = await jobs.restore(
        jobEnv(dbA, {
          BACKUP_ENGINE: "medusa",
          RESTORE_FROM_STORE: "shop-a",
          RESTORE_BACKUP_ID: "bk1",
          RESTORE_MANIFEST_SHA256: summary.manifestSha256,
        }),
      );
      expect(restore.code, restore.output).toBe(0);
      expect(restore.output).toContain("all parts verified; replacing the store's data");
      figure("restore duration", restore.ms);
      await shop.start();
      expect(await orders(shop)).toEqual([orderA]);
      const after = await placeMedusaOrder({ baseUrl: shop.baseUrl, email: "after@example.com" });
      expect(after.orderId).toMatch(/^order_/);
      expect(await orders(shop)).toEqual([orderA, after.orderId].sort());
    }, 600_000);

    it("keeps the store's secrets out of the backup (the dump holds only what Medusa stores, hashed)", async () => {
      const folder = mkdtempSync(join(tmpdir(), "medusa-dump-"));
      try {
        const part = summary.parts[0] as BackupSummary["parts"][number];
        const objects = createObjectStore(jobs.s3.config());
        const file = join(folder, "database.dump");
        await objects.getFile(partKey("shop-a", "bk1", "database.dump"), file, part.sha256);
        // The custom format is compressed: read it back as SQL text to search it.
        const sqlFile = join(folder, "database.sql");
        const converted = await runCommand(
          join(PG_BIN as string, "pg_restore"),
          [`--file=${sqlFile}`, file],
          {
            env: process.env,
            timeoutMs: 120_000,
          },
        );
        expect(converted.code, converted.output).toBe(0);
        const sql = { output: readFileSync(sqlFile, "utf8") };
        expect(sql.output).toContain('CREATE TABLE public."order"');
        for (const secret of [
          adminPassword,
          dbPassword,
          String(shop.env.JWT_SECRET),
          String(shop.env.COOKIE_SECRET),
        ]) {
          expect(sql.output).not.toContain(secret);
        }
        const manifest = await objects.getBytes(summary.manifestKey, summary.manifestSha256);
        expect(JSON.parse(manifest.toString())).toMatchObject({
          engine: "medusa",
          plan: "small",
          chartVersion: "0.1.0",
        });
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }, 120_000);

    it("clones into a new database served at a new URL with new secrets: order A is there, the source admin's login is refused and the clone's own works, and CORS follows the new URL", async () => {
      await admin(`create database ${dbB}`);
      created.push(dbB);
      clone = await medusaInstance(urlOf(dbB), "Storeplane Backup Clone");
      expect(clone.baseUrl).not.toBe(shop.baseUrl);
      expect(clone.env.JWT_SECRET).not.toBe(shop.env.JWT_SECRET);
      const restore = await jobs.restore(
        jobEnv(dbB, {
          BACKUP_ENGINE: "medusa",
          RESTORE_FROM_STORE: "shop-a",
          RESTORE_BACKUP_ID: "bk1",
          RESTORE_MANIFEST_SHA256: summary.manifestSha256,
          CLONE_FROM_URL: shop.baseUrl,
          STORE_URL: clone.baseUrl,
        }),
      );
      expect(restore.code, restore.output).toBe(0);
      expect(restore.output).toContain(
        "clone: the source store's admin users and secret API keys removed",
      );
      figure("clone restore duration", restore.ms);
      // The source's admin did not come along: no user, no email/password identity.
      expect(await countIn(dbB, 'select count(*)::int as n from "user"')).toBe(0);
      expect(
        await countIn(
          dbB,
          "select count(*)::int as n from provider_identity where entity_id = $1",
          [adminEmail],
        ),
      ).toBe(0);
      // The clone's own admin, as its setup Job creates it from the clone's new Secret.
      const cloneAdmin = {
        email: "owner@clone.test",
        password: randomBytes(12).toString("base64url"),
      };
      await clone.createAdmin(cloneAdmin.email, cloneAdmin.password);
      await clone.start();
      expect(await orders(clone, cloneAdmin.email, cloneAdmin.password)).toEqual([orderA]);
      // The source store's admin login is refused on the clone, and still works on the source.
      await expect(
        medusaAdminToken({ baseUrl: clone.baseUrl, adminEmail, adminPassword }),
      ).rejects.toThrow(/401/);
      expect(
        await medusaAdminToken({ baseUrl: shop.baseUrl, adminEmail, adminPassword }),
      ).toBeTruthy();
      const placed = await placeMedusaOrder({ baseUrl: clone.baseUrl, email: "clone@example.com" });
      expect(placed.orderId).toMatch(/^order_/);
      // The source store is untouched by its clone.
      expect(await orders(shop)).not.toContain(placed.orderId);

      const html = await (await fetch(`${clone.baseUrl}/`)).text();
      const key = html.match(/"publishableKey":"(pk_[0-9a-f]+)"/)?.[1] as string;
      const corsFor = async (origin: string) =>
        (
          await fetch(`${clone?.baseUrl}/store/regions`, {
            headers: { origin, "x-publishable-api-key": key },
          })
        ).headers.get("access-control-allow-origin");
      expect(await corsFor(clone.baseUrl)).toBe(clone.baseUrl);
      expect(await corsFor(shop.baseUrl)).toBeNull();
    }, 600_000);

    it("refuses a corrupted backup object before the database is touched", async () => {
      const objects = createObjectStore(jobs.s3.config());
      const key = partKey("shop-a", "bk1", "database.dump");
      const original = await objects.getBytes(key);
      const corrupted = Buffer.from(original);
      const at = Math.floor(corrupted.length / 2);
      corrupted[at] = (corrupted[at] ?? 0) ^ 0x01;
      await objects.putStream(key, Readable.from([corrupted]));
      const before = await orders(shop);
      await shop.stop();
      const restore = await jobs.restore(
        jobEnv(dbA, {
          BACKUP_ENGINE: "medusa",
          RESTORE_FROM_STORE: "shop-a",
          RESTORE_BACKUP_ID: "bk1",
          RESTORE_MANIFEST_SHA256: summary.manifestSha256,
        }),
      );
      expect(restore.code).not.toBe(0);
      expect(restore.output).toContain(`backup object ${key} is corrupted`);
      expect(restore.output).toContain("nothing was changed");
      expect(restore.output).not.toContain("replacing the store's data");
      await shop.start();
      expect(await orders(shop)).toEqual(before);
    }, 300_000);
  },
);
