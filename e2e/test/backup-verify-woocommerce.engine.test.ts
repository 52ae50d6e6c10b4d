// Level: real engine. "Verify" of a WooCommerce backup for real: WordPress
// 6.8.3 + WooCommerce 10.2.2 set up by images/woocommerce/setup.sh (as
// backup-woocommerce.engine.test.ts does) on Debian's PHP 8.2 and a
// throwaway MariaDB, backup.sh to a real S3-compatible server (s3rver), then
// images/backup/verify.sh as the verify Job runs it, as www-data: download and
// check the backup, import it into a NEW scratch database and unpack the media
// into a scratch wp-content, then WordPress installed, WooCommerce active, the
// Store API answering and the order found through WooCommerce's own data
// store; the scratch database and uploads are dropped → pass. A corrupted
// backup fails with its reason and creates nothing. The verifier's database
// user may create only `verify_*` databases: the live one is out of its reach.
// REQUIRE_WOOCOMMERCE=1 turns a missing prerequisite into a failure.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { createObjectStore, partKey } from "@storeplane/backup";
import { afterAll, beforeAll, expect, it } from "vitest";
import { placeWooOrder } from "../src/orders/woocommerce.ts";
import {
  type BackupHarness,
  type BackupSummary,
  backupSpecEnv,
  startBackupHarness,
} from "./backup/backup-job.ts";
import { describeEngine } from "./harness/engine-suite.ts";
import { mariadbProblem, startMariadb, type ThrowawayMariadb } from "./harness/mariadb.ts";
import { runCommand } from "./harness/processes.ts";
import { jobEnvironment, renderSetupJob, resolveHelm } from "./harness/setup-job-env.ts";
import {
  createSite,
  type PhpServer,
  phpProblem,
  prepareStack,
  type Site,
  startPhpServer,
} from "./harness/wordpress-site.ts";

const repoRoot = resolve(import.meta.dirname, "../..");
const SETUP_SCRIPT = join(repoRoot, "images/woocommerce/setup.sh");

const helm = resolveHelm();
const stack = await (async () => {
  const problem = [
    phpProblem(),
    mariadbProblem(),
    helm ? null : "helm not found (npm install fetches it)",
  ].find(Boolean);
  if (problem) return { problem };
  return prepareStack();
})();

describeEngine(
  "WooCommerce backup verify engine",
  "WooCommerce backup verify — verify.sh restores into a scratch MariaDB database and wp-content, checks WordPress, WooCommerce, the Store API and the order, drops them",
  { requireVar: "REQUIRE_WOOCOMMERCE", problem: "problem" in stack ? stack.problem : null },
  () => {
    const secret = {
      "admin-username": "shopadmin",
      "admin-password": randomBytes(12).toString("base64url"),
      "admin-email": "admin@storeplane.test",
      "database-password": randomBytes(12).toString("hex"),
    };
    const verifierPassword = randomBytes(12).toString("hex");
    const figures: Record<string, number> = {};
    let db: ThrowawayMariadb | undefined;
    let site: Site | undefined;
    let scratchSite: Site | undefined;
    let server: PhpServer | undefined;
    let jobs: BackupHarness;
    let summary: BackupSummary;
    let orderId = 0;

    const databases = async () =>
      (await (db as ThrowawayMariadb).sql("SHOW DATABASES")).trim().split("\n");
    const verifyEnv = (target: Site, scratch: string, extra: Record<string, string> = {}) => ({
      PATH: `${target.bin}:${process.env.PATH}`,
      HOME: target.tmp,
      TMPDIR: target.tmp,
      WP_CLI_CACHE_DIR: join(target.tmp, "wp-cli-cache"),
      WORDPRESS_DB_HOST: `${db?.host}:${db?.port}`,
      WORDPRESS_DB_USER: "verifier",
      WORDPRESS_DB_PASSWORD: verifierPassword,
      WP_PATH: target.wpPath,
      WP_CONTENT_DIR: join(target.wpPath, "wp-content"),
      VERIFY_DATABASE: scratch,
      BACKUP_ENGINE: "woocommerce",
      RESTORE_FROM_STORE: "shop-wv",
      RESTORE_BACKUP_ID: "bk1",
      RESTORE_MANIFEST_SHA256: summary.manifestSha256,
      ...extra,
    });

    beforeAll(async () => {
      const started = performance.now();
      db = await startMariadb({
        name: "wordpress",
        user: "wordpress",
        password: secret["database-password"],
      });
      // The verify Job's scratch server would be its own; here the same server,
      // with a user that can create and drop only verify_* databases.
      await db.sql(
        `CREATE USER 'verifier'@'%' IDENTIFIED BY '${verifierPassword}'; GRANT ALL ON \`verify\\_%\`.* TO 'verifier'@'%';`,
      );
      const dbEnv = {
        WORDPRESS_DB_HOST: `${db.host}:${db.port}`,
        WORDPRESS_DB_NAME: "wordpress",
        WORDPRESS_DB_USER: "wordpress",
        WORDPRESS_DB_PASSWORD: secret["database-password"],
      };
      site = createSite((stack as { dir: string }).dir, SETUP_SCRIPT);
      server = await startPhpServer(site, dbEnv);
      const job = renderSetupJob(helm as string, { name: "verifytest", url: server.baseUrl });
      const env = {
        ...jobEnvironment(job, secret, {
          WORDPRESS_DB_HOST: dbEnv.WORDPRESS_DB_HOST,
          WP_PATH: site.wpPath,
          HOME: site.tmp,
          WP_CLI_CACHE_DIR: join(site.tmp, "wp-cli-cache"),
        }),
        PATH: `${site.bin}:${process.env.PATH}`,
      };
      const setup = await runCommand("sh", [site.setupScript], {
        env,
        timeoutMs: 900_000,
        runAs: site.runAs,
      });
      if (setup.code !== 0)
        throw new Error(`setup.sh exited ${setup.code}\n${setup.output.slice(-3000)}`);
      figures["store set-up (ms)"] = Math.round(performance.now() - started);
      orderId = (await placeWooOrder({ baseUrl: server.baseUrl, email: "v@example.com" })).orderId;
      jobs = await startBackupHarness();
      const backup = await jobs.backup(
        {
          ...dbEnv,
          PATH: `${site.bin}:${process.env.PATH}`,
          HOME: site.tmp,
          WP_CONTENT_DIR: join(site.wpPath, "wp-content"),
          ...backupSpecEnv({
            store: "shop-wv",
            backupId: "bk1",
            engine: "woocommerce",
            url: server.baseUrl,
          }),
        },
        site.runAs,
      );
      if (backup.code !== 0) throw new Error(`backup.sh failed\n${backup.output}`);
      summary = backup.summary as BackupSummary;
      figures["backup size (bytes)"] = summary.size;
      // The verify Job's WordPress: the store's image files with an empty
      // wp-content/uploads (an emptyDir), its wp-config from the image's template.
      scratchSite = createSite((stack as { dir: string }).dir, SETUP_SCRIPT);
      const config = readFileSync(join(scratchSite.wpPath, "wp-config-docker.php"), "utf8").replace(
        /put your unique phrase here/g,
        () => randomBytes(32).toString("hex"),
      );
      writeFileSync(join(scratchSite.wpPath, "wp-config.php"), config);
    }, 1_500_000);

    afterAll(async () => {
      await server?.stop();
      await db?.stop();
      site?.remove();
      scratchSite?.remove();
      await jobs?.stop();
      console.log(`woocommerce verify figures (bytes, ms): ${JSON.stringify(figures)}`);
    }, 120_000);

    it("passes a good backup: WordPress installed, WooCommerce active, the Store API answers, the order found; scratch database and uploads dropped", async () => {
      const target = scratchSite as Site;
      const run = await jobs.verify(
        verifyEnv(target, "verify_a", { VERIFY_ORDER_ID: String(orderId) }),
        target.runAs,
      );
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain("scratch database verify_a dropped");
      expect(run.result).toMatchObject({
        verified: true,
        engine: "woocommerce",
        lookup: { order: { id: orderId }, count: 1, products: 1 },
      });
      figures["verify restore (ms)"] = run.result.restoreMs;
      figures["verify check (ms)"] = run.result.checkMs;
      figures["verify total (ms)"] = Math.round(run.ms);
      console.log(
        `woocommerce verify: ${run.result.sizeKiB} KiB restored in ${run.result.restoreMs} ms, checked in ${run.result.checkMs} ms, ${(run.ms / 1000).toFixed(1)} s in all`,
      );
      expect(await databases()).not.toContain("verify_a");
      expect(existsSync(join(target.wpPath, "wp-content/uploads"))).toBe(false);
      // The live store is untouched and still serves.
      expect((await fetch(`${server?.baseUrl}/wp-json/wc/store/v1/products`)).status).toBe(200);
    }, 600_000);

    it("fails an order that is not in the backup, naming it, and drops the scratch database", async () => {
      const target = scratchSite as Site;
      const run = await jobs.verify(
        verifyEnv(target, "verify_b", { VERIFY_ORDER_ID: "999999" }),
        target.runAs,
      );
      expect(run.code).not.toBe(0);
      expect(run.output).toContain("verify: FAILED: order 999999 not found");
      expect(await databases()).not.toContain("verify_b");
    }, 600_000);

    it("cannot reach the live database: a scratch name outside the verifier's grant is refused", async () => {
      const target = scratchSite as Site;
      const run = await jobs.verify(verifyEnv(target, "wordpress"), target.runAs);
      expect(run.code).not.toBe(0);
      expect(run.output).toContain("cannot create the scratch database wordpress");
      expect((await fetch(`${server?.baseUrl}/wp-json/wc/store/v1/products`)).status).toBe(200);
    }, 300_000);

    it("fails a corrupted backup with the reason, creating nothing", async () => {
      const target = scratchSite as Site;
      const objects = createObjectStore(jobs.s3.config());
      const key = partKey("shop-wv", "bk1", "database.sql.gz");
      const original = await objects.getBytes(key);
      const corrupted = Buffer.from(original);
      corrupted[corrupted.length - 10] = (corrupted[corrupted.length - 10] ?? 0) ^ 0xff;
      await objects.putStream(key, Readable.from([corrupted]));
      const run = await jobs.verify(verifyEnv(target, "verify_c"), target.runAs);
      expect(run.code).not.toBe(0);
      expect(run.output).toContain(`backup object ${key} is corrupted`);
      expect(await databases()).not.toContain("verify_c");
      expect(existsSync(join(target.wpPath, "wp-content/uploads"))).toBe(false);
    }, 300_000);
  },
);
