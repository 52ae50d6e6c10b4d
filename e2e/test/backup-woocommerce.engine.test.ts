// Level: real engine. Backup, restore and clone of a WooCommerce store for
// real: WordPress 6.8.3 + WooCommerce 10.2.2 set up by images/woocommerce/setup.sh
// with the chart's Job environment (as woocommerce.engine.test.ts does), on
// Debian's PHP 8.2 and a throwaway MariaDB; images/backup/backup.sh and
// restore.sh run under `sh` as www-data (the Jobs' runAsUser) with
// mariadb-dump/mariadb, tar and WP-CLI; objects in a real S3-compatible
// server (s3rver). Order + media upload, back up, delete the product and the
// media, restore → product, order and media file back; clone into a second
// database and site at another URL → the storefront there works and its links
// point to the new URL; a corrupted object is refused before anything changes.
// REQUIRE_WOOCOMMERCE=1 turns a missing prerequisite into a failure.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { createObjectStore, partKey } from "@storeplane/backup";
import { afterAll, beforeAll, expect, it } from "vitest";
import { confirmWooOrder, placeWooOrder, type WooAdminAuth } from "../src/orders/woocommerce.ts";
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

// A 1×1 PNG: the smallest real image WordPress accepts as an attachment.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

const figures: Record<string, number> = {};

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describeEngine(
  "WooCommerce backup engine",
  "WooCommerce backup, restore and clone — real WordPress + WooCommerce on PHP and MariaDB, real mariadb-dump, real S3 (s3rver)",
  { requireVar: "REQUIRE_WOOCOMMERCE", problem: "problem" in stack ? stack.problem : null },
  () => {
    const secret = {
      "admin-username": "shopadmin",
      "admin-password": randomBytes(12).toString("base64url"),
      "admin-email": "admin@storeplane.test",
      "database-password": randomBytes(12).toString("hex"),
    };
    const restKey = {
      WC_API_CONSUMER_KEY: `ck_${randomBytes(20).toString("hex")}`,
      WC_API_CONSUMER_SECRET: `cs_${randomBytes(20).toString("hex")}`,
    };
    const consumerKey: WooAdminAuth = {
      kind: "consumer-key",
      consumerKey: restKey.WC_API_CONSUMER_KEY,
      consumerSecret: restKey.WC_API_CONSUMER_SECRET,
    };
    let db: ThrowawayMariadb | undefined;
    let site: Site | undefined;
    let server: PhpServer | undefined;
    let cloneSite: Site | undefined;
    let cloneServer: PhpServer | undefined;
    let jobs: BackupHarness;
    let env: Record<string, string> = {};
    let baseUrl = "";
    let summary: BackupSummary;
    let orderId = 0;
    let productId = 0;
    let mediaFile = "";

    const wp = async (target: Site, wpEnv: Record<string, string>, ...args: string[]) => {
      const result = await runCommand("wp", [`--path=${target.wpPath}`, ...args], {
        env: wpEnv,
        timeoutMs: 180_000,
        runAs: target.runAs,
      });
      if (result.code !== 0) throw new Error(`wp ${args.join(" ")}: ${result.output}`);
      return result.output.replace(/^sh: 1: \/usr\/sbin\/sendmail: not found\n?/gm, "").trim();
    };
    const dbEnvFor = (name: string) => ({
      WORDPRESS_DB_HOST: `${db?.host}:${db?.port}`,
      WORDPRESS_DB_NAME: name,
      WORDPRESS_DB_USER: "wordpress",
      WORDPRESS_DB_PASSWORD: secret["database-password"],
    });
    const jobEnvFor = (target: Site, database: string, extra: Record<string, string> = {}) => ({
      ...dbEnvFor(database),
      PATH: `${target.bin}:${process.env.PATH}`,
      HOME: target.tmp,
      WP_CLI_CACHE_DIR: join(target.tmp, "wp-cli-cache"),
      WP_CONTENT_DIR: join(target.wpPath, "wp-content"),
      WP_PATH: target.wpPath,
      ...extra,
    });
    const uploadsOf = (target: Site) => join(target.wpPath, "wp-content/uploads");
    const storeProducts = async (url: string) =>
      (await (await fetch(`${url}/wp-json/wc/store/v1/products`)).json()) as Array<{
        id: number;
        name: string;
        permalink: string;
      }>;

    beforeAll(async () => {
      const started = performance.now();
      db = await startMariadb({
        name: "wordpress",
        user: "wordpress",
        password: secret["database-password"],
      });
      site = createSite((stack as { dir: string }).dir, SETUP_SCRIPT);
      server = await startPhpServer(site, dbEnvFor("wordpress"));
      baseUrl = server.baseUrl;
      const job = renderSetupJob(helm as string, { name: "backuptest", url: baseUrl });
      env = {
        ...jobEnvironment(job, secret, {
          WORDPRESS_DB_HOST: dbEnvFor("wordpress").WORDPRESS_DB_HOST,
          WP_PATH: site.wpPath,
          HOME: site.tmp,
          WP_CLI_CACHE_DIR: join(site.tmp, "wp-cli-cache"),
        }),
        ...restKey,
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
      jobs = await startBackupHarness();
    }, 1_500_000);

    afterAll(async () => {
      await cloneServer?.stop();
      await server?.stop();
      await db?.stop();
      site?.remove();
      cloneSite?.remove();
      await jobs?.stop();
      console.log(`woocommerce backup figures (bytes, ms): ${JSON.stringify(figures)}`);
    }, 120_000);

    it("backs up an order and a media file; after the product and the media are deleted, a restore brings all three back", async () => {
      const target = site as Site;
      orderId = (await placeWooOrder({ baseUrl, email: "backup.shopper@example.com" })).orderId;
      const products = await storeProducts(baseUrl);
      productId = (products[0] as { id: number }).id;
      writeFileSync(join(target.tmp, "storeplane-logo.png"), PNG);
      // The way the admin's media library stores an upload (the stack's WP-CLI has no `media` command).
      const attachment = await wp(
        target,
        { ...env, MEDIA_FILE: join(target.tmp, "storeplane-logo.png") },
        "eval",
        'require_once ABSPATH . "wp-admin/includes/file.php"; require_once ABSPATH . "wp-admin/includes/media.php"; require_once ABSPATH . "wp-admin/includes/image.php"; $tmp = wp_tempnam(); copy(getenv("MEDIA_FILE"), $tmp); $id = media_handle_sideload(array("name" => "storeplane-logo.png", "tmp_name" => $tmp), 0); if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); } echo $id;',
      );
      expect(attachment).toMatch(/^\d+$/);
      mediaFile = filesUnder(uploadsOf(target)).find((f) =>
        f.endsWith("storeplane-logo.png"),
      ) as string;
      expect(mediaFile).toMatch(/^\d{4}\/\d{2}\/storeplane-logo\.png$/);
      expect((await fetch(`${baseUrl}/wp-content/uploads/${mediaFile}`)).status).toBe(200);

      const backup = await jobs.backup(
        jobEnvFor(
          target,
          "wordpress",
          backupSpecEnv({ store: "shop-w", backupId: "bk1", engine: "woocommerce", url: baseUrl }),
        ),
        target.runAs,
      );
      expect(backup.code, backup.output).toBe(0);
      expect(backup.output).toContain("consistent snapshot, --single-transaction");
      summary = backup.summary as BackupSummary;
      expect(summary.parts.map((p) => p.name)).toEqual(["database.sql.gz", "uploads.tar.gz"]);
      figures["backup size (bytes)"] = summary.size;
      figures["backup duration (ms)"] = Math.round(backup.ms);
      console.log(`woocommerce backup: ${summary.size} bytes in ${(backup.ms / 1000).toFixed(1)}s`);

      await wp(target, env, "post", "delete", String(productId), "--force");
      await wp(target, env, "post", "delete", attachment, "--force");
      expect(await storeProducts(baseUrl)).toEqual([]);
      expect(filesUnder(uploadsOf(target))).not.toContain(mediaFile);

      // The controller stops WordPress while it shows Restoring; PHP's server
      // holds no state of its own, so here it keeps running.
      const restore = await jobs.restore(
        jobEnvFor(target, "wordpress", {
          BACKUP_ENGINE: "woocommerce",
          RESTORE_FROM_STORE: "shop-w",
          RESTORE_BACKUP_ID: "bk1",
          RESTORE_MANIFEST_SHA256: summary.manifestSha256,
        }),
        target.runAs,
      );
      expect(restore.code, restore.output).toBe(0);
      figures["restore duration (ms)"] = Math.round(restore.ms);
      expect((await storeProducts(baseUrl)).map((p) => p.id)).toEqual([productId]);
      expect(await confirmWooOrder({ baseUrl, auth: consumerKey, orderId })).toMatchObject({
        id: orderId,
        payment_method: "cod",
      });
      expect(filesUnder(uploadsOf(target))).toContain(mediaFile);
      const media = await fetch(`${baseUrl}/wp-content/uploads/${mediaFile}`);
      expect(media.status).toBe(200);
      expect(Buffer.from(await media.arrayBuffer()).equals(PNG)).toBe(true);
    }, 900_000);

    it("keeps the store's Secret out of the backup", async () => {
      const objects = createObjectStore(jobs.s3.config());
      const part = summary.parts.find(
        (p) => p.name === "database.sql.gz",
      ) as BackupSummary["parts"][number];
      const sql = gunzipSync(
        await objects.getBytes(partKey("shop-w", "bk1", part.name), part.sha256),
      ).toString();
      expect(sql).toContain("CREATE TABLE `wp_posts`");
      expect(sql).not.toContain(secret["admin-password"]);
      expect(sql).not.toContain(secret["database-password"]);
    }, 120_000);

    it("clones into another database and site at a new URL: the storefront works there and its links point to the new URL", async () => {
      const target = createSite((stack as { dir: string }).dir, SETUP_SCRIPT);
      cloneSite = target;
      await (db as ThrowawayMariadb).sql(
        "CREATE DATABASE `wordpress_clone`; GRANT ALL ON `wordpress_clone`.* TO 'wordpress'@'%';",
      );
      // The clone store's WordPress container writes its wp-config.php from
      // the image's template with fresh salts, as setup.sh does here.
      const config = readFileSync(join(target.wpPath, "wp-config-docker.php"), "utf8").replace(
        /put your unique phrase here/g,
        () => randomBytes(32).toString("hex"),
      );
      writeFileSync(join(target.wpPath, "wp-config.php"), config);
      cloneServer = await startPhpServer(target, dbEnvFor("wordpress_clone"));
      const cloneUrl = cloneServer.baseUrl;
      expect(cloneUrl).not.toBe(baseUrl);
      const clonePassword = randomBytes(12).toString("base64url");
      // As the controller's restore Job runs it (apps/controller/src/backups/
      // restore-job-spec.ts): `download` (backup image, initContainer) into a
      // shared folder, then `apply` with the copy of restore.sh it left there.
      const work = join(target.tmp, "restore-work");
      const cloneEnv0 = jobEnvFor(target, "wordpress_clone", {
        BACKUP_ENGINE: "woocommerce",
        RESTORE_FROM_STORE: "shop-w",
        RESTORE_BACKUP_ID: "bk1",
        RESTORE_MANIFEST_SHA256: summary.manifestSha256,
        RESTORE_WORK_DIR: work,
        CLONE_FROM_URL: baseUrl,
        STORE_URL: cloneUrl,
        ADMIN_USER: secret["admin-username"],
        ADMIN_PASSWORD: clonePassword,
      });
      const download = await jobs.restore(cloneEnv0, target.runAs, { args: ["download"] });
      expect(download.code, download.output).toBe(0);
      expect(download.output).not.toContain("replacing the store's data");
      // The apply container has no download tool: it must not need one.
      const applied = await jobs.restore(
        { ...cloneEnv0, STOREPLANE_BACKUP: "false" },
        target.runAs,
        { args: ["apply"], script: join(work, "restore.sh") },
      );
      const restore = { ...applied, ms: download.ms + applied.ms };
      expect(restore.code, restore.output).toBe(0);
      expect(restore.output).toContain(`clone: rewriting ${baseUrl} to ${cloneUrl}`);
      expect(restore.output).not.toContain(clonePassword);
      figures["clone restore duration (ms)"] = Math.round(restore.ms);

      const cloneEnv = jobEnvFor(target, "wordpress_clone");
      expect(await wp(target, cloneEnv, "option", "get", "siteurl")).toBe(cloneUrl);
      expect(await wp(target, cloneEnv, "option", "get", "home")).toBe(cloneUrl);
      const shop = await fetch(`${cloneUrl}/shop/`);
      expect(shop.status).toBe(200);
      const html = await shop.text();
      expect(html).toContain("Storeplane Sample Hoodie");
      expect(html).toContain(cloneUrl);
      expect(html).not.toContain(baseUrl);
      const products = await storeProducts(cloneUrl);
      expect(products.map((p) => p.id)).toEqual([productId]);
      expect(products[0]?.permalink.startsWith(`${cloneUrl}/`)).toBe(true);
      const media = await fetch(`${cloneUrl}/wp-content/uploads/${mediaFile}`);
      expect(Buffer.from(await media.arrayBuffer()).equals(PNG)).toBe(true);
      // New credentials: the source's REST key is gone, the admin takes the clone's password.
      await expect(
        confirmWooOrder({ baseUrl: cloneUrl, auth: consumerKey, orderId }),
      ).rejects.toThrow(/401/);
      const passwordOk = await wp(
        target,
        { ...cloneEnv, CHECK_USER: secret["admin-username"], CHECK_PASSWORD: clonePassword },
        "eval",
        'echo wp_check_password(getenv("CHECK_PASSWORD"), get_user_by("login", getenv("CHECK_USER"))->user_pass) ? "yes" : "no";',
      );
      expect(passwordOk).toBe("yes");
      // The source store is untouched by its clone.
      expect(await wp(site as Site, env, "option", "get", "siteurl")).toBe(baseUrl);
    }, 900_000);

    it("refuses a corrupted media archive before the database or the media change", async () => {
      const target = site as Site;
      const objects = createObjectStore(jobs.s3.config());
      const key = partKey("shop-w", "bk1", "uploads.tar.gz");
      const original = await objects.getBytes(key);
      const corrupted = Buffer.from(original);
      corrupted[corrupted.length - 10] = (corrupted[corrupted.length - 10] ?? 0) ^ 0xff;
      await objects.putStream(key, Readable.from([corrupted]));
      // A change after the backup that a refused restore must leave in place.
      await wp(target, env, "option", "update", "blogdescription", "changed after the backup");
      const before = filesUnder(uploadsOf(target));
      const restore = await jobs.restore(
        jobEnvFor(target, "wordpress", {
          BACKUP_ENGINE: "woocommerce",
          RESTORE_FROM_STORE: "shop-w",
          RESTORE_BACKUP_ID: "bk1",
          RESTORE_MANIFEST_SHA256: summary.manifestSha256,
        }),
        target.runAs,
      );
      expect(restore.code).not.toBe(0);
      expect(restore.output).toContain(`backup object ${key} is corrupted`);
      expect(restore.output).not.toContain("replacing the store's data");
      expect(await wp(target, env, "option", "get", "blogdescription")).toBe(
        "changed after the backup",
      );
      expect(filesUnder(uploadsOf(target))).toEqual(before);
    }, 300_000);
  },
);
