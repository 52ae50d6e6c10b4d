// Level: unit (real shellcheck; setup.sh run for real under `sh` against a fake
// WP-CLI and a fake `php -r`, test/fixtures/fake-wp.sh and fake-php.sh). The
// real WordPress + WooCommerce run is woocommerce.engine.test.ts; this file
// keeps what that run cannot show or provoke: shellcheck, that a second run
// makes no mutating WP-CLI call at all (the real run compares state), passwords
// only ever on stdin, the bounded file wait, a moved store URL, pages deleted
// after setup, and the wp-config fallback without the image's template. The
// fake follows what the real run showed (pages created on activation, the
// task-list option WooCommerce 10.2 refuses to update).
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = resolve(import.meta.dirname, "../../images/woocommerce/setup.sh");
const FIXTURES = resolve(import.meta.dirname, "fixtures");
const source = readFileSync(SCRIPT, "utf8");
const shellcheck = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
const haveShellcheck = shellcheck.status === 0;
const requireShellcheck = process.env.REQUIRE_SHELLCHECK === "1" || process.env.CI === "true";

const ADMIN_PASSWORD = "Adm1n-secret-\u00e9-value";
const DB_PASSWORD = "db-secret-value-42";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function sandbox() {
  const root = mkdtempSync(join(tmpdir(), "wc-setup-"));
  dirs.push(root);
  const bin = join(root, "bin");
  const state = join(root, "state");
  const wpPath = join(root, "html");
  mkdirSync(bin);
  mkdirSync(state);
  mkdirSync(join(wpPath, "wp-includes"), { recursive: true });
  writeFileSync(join(wpPath, "wp-includes/version.php"), "<?php $wp_version = '6.8.3';\n");
  writeFileSync(
    join(wpPath, "wp-config-docker.php"),
    "<?php\ndefine('AUTH_KEY', getenv_docker('WORDPRESS_AUTH_KEY', 'put your unique phrase here'));\n",
  );
  symlinkSync(join(FIXTURES, "fake-wp.sh"), join(bin, "wp"));
  symlinkSync(join(FIXTURES, "fake-php.sh"), join(bin, "php"));
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    FAKE_WP_STATE: state,
    WP_PATH: wpPath,
    STORE_URL: "http://demo.localhost/",
    STORE_TITLE: "Demo Shop",
    ADMIN_USER: "shopadmin",
    ADMIN_PASSWORD,
    ADMIN_EMAIL: "admin@demo.test",
    WORDPRESS_DB_HOST: "demo-mariadb:3306",
    WORDPRESS_DB_NAME: "wordpress",
    WORDPRESS_DB_USER: "wordpress",
    WORDPRESS_DB_PASSWORD: DB_PASSWORD,
    DB_WAIT_SECONDS: "6",
  };
  const run = (extra: NodeJS.ProcessEnv = {}) => {
    const before = existsSync(join(state, "calls.log"))
      ? readFileSync(join(state, "calls.log"), "utf8")
      : "";
    const result = spawnSync("sh", [SCRIPT], {
      env: { ...env, ...extra },
      encoding: "utf8",
      timeout: 60_000,
    });
    const after = existsSync(join(state, "calls.log"))
      ? readFileSync(join(state, "calls.log"), "utf8")
      : "";
    return {
      status: result.status,
      output: `${result.stdout}${result.stderr}`,
      calls: after.slice(before.length).split("\n").filter(Boolean),
    };
  };
  return { root, state, wpPath, env, run };
}

// WP-CLI calls that change something; a second run must make none of them.
const MUTATING =
  /^wp (core install|config create|option update|rewrite (structure|flush)|plugin (install|activate)|theme (install|activate)|wc tool run|wc \S+ create)/;

describe("woocommerce setup.sh — static checks", () => {
  (haveShellcheck || requireShellcheck ? it : it.skip)(
    haveShellcheck ? "passes shellcheck" : "shellcheck — skipped: shellcheck not installed",
    () => {
      expect(haveShellcheck, "shellcheck is required here (CI)").toBe(true);
      const result = spawnSync("shellcheck", [SCRIPT], { encoding: "utf8" });
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
    },
  );

  it("is strict POSIX sh with bounded waits and no password on a command line", () => {
    expect(source.startsWith("#!/bin/sh\n")).toBe(true);
    expect(source).toMatch(/^set -eu$/m);
    expect(source).not.toMatch(/set -x/);
    // Every loop that waits compares against its bound before sleeping again.
    const waits = source.match(/until [^\n]*/g) ?? [];
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(source).toMatch(/\[ "\$waited" -lt "\$DB_WAIT_SECONDS" \] \|\| die/);
    expect(source).toMatch(/\[ "\$waited" -lt "\$FILES_WAIT_SECONDS" \] \|\| die/);
    expect(source).not.toMatch(/--admin_password=/);
    expect(source).not.toMatch(/--dbpass=/);
    expect(source).toMatch(/--prompt=admin_password/);
    expect(source).toMatch(/--prompt=dbpass/);
    // Plugin and theme: activate when present, install the pin when absent.
    expect(source).toMatch(/plugin is-installed woocommerce/);
    expect(source).toMatch(/plugin install woocommerce --version="\$WOOCOMMERCE_VERSION"/);
    expect(source).toMatch(/theme is-installed storefront/);
  });
});

describe("woocommerce setup.sh — run against a fake WP-CLI", () => {
  it("sets up a shop on the first run and changes nothing on the second", () => {
    const box = sandbox();
    writeFileSync(join(box.state, "db-up"), "");

    const first = box.run();
    expect(first.status, first.output).toBe(0);
    expect(first.output).toContain("done: http://demo.localhost is open for orders");
    const steps = first.calls.join("\n");
    expect(steps).toMatch(/^wp core install --url=http:\/\/demo\.localhost --title=Demo Shop/m);
    expect(steps).toMatch(/^wp plugin install woocommerce --version=10\.2\.2$/m);
    expect(steps).toMatch(/^wp plugin activate woocommerce$/m);
    expect(steps).toMatch(/^wp theme install storefront --version=4\.6\.1$/m);
    expect(steps).toMatch(/^wp theme activate storefront$/m);
    expect(steps).toMatch(/^wp rewrite structure \/%postname%\/$/m);
    // WooCommerce creates its pages when activated: the fallback does not run.
    expect(steps).not.toMatch(/^wp wc tool run install_pages$/m);
    expect(steps).toMatch(/^wp option update woocommerce_task_list_hidden_lists \["setup"\]$/m);
    expect(steps).not.toMatch(/^wp option update woocommerce_task_list_hidden /m);
    expect(steps).toMatch(/^wp option update woocommerce_cod_settings \{"enabled":"yes"/m);
    expect(steps).toMatch(/^wp wc shipping_zone_method create 0 --method_id=free_shipping/m);
    expect(steps).toMatch(/^wp wc product create --name=Storeplane Sample Hoodie/m);
    expect(steps).toMatch(/^wp option update woocommerce_coming_soon no$/m);

    // The password reached WP-CLI on stdin, and nowhere else.
    expect(readFileSync(join(box.state, "admin_password_from_stdin"), "utf8")).toBe(ADMIN_PASSWORD);
    expect(steps).not.toContain(ADMIN_PASSWORD);
    expect(first.output).not.toContain(ADMIN_PASSWORD);
    expect(first.output).not.toContain(DB_PASSWORD);

    // wp-config.php from the env-reading template, salts randomised.
    const config = readFileSync(join(box.wpPath, "wp-config.php"), "utf8");
    expect(config).toContain("getenv_docker('WORDPRESS_AUTH_KEY'");
    expect(config).not.toContain("put your unique phrase here");
    expect(readFileSync(join(box.wpPath, ".htaccess"), "utf8")).toContain("# BEGIN WordPress");

    const second = box.run();
    expect(second.status, second.output).toBe(0);
    const changes = second.calls.filter((call) => MUTATING.test(call));
    expect(changes).toEqual([]);
    expect(second.output).toContain("WordPress already installed");
    expect(
      readFileSync(join(box.wpPath, ".htaccess"), "utf8").match(/BEGIN WordPress/g),
    ).toHaveLength(1);
  });

  it("re-points siteurl/home when the store URL changes, and only that", () => {
    const box = sandbox();
    writeFileSync(join(box.state, "db-up"), "");
    expect(box.run().status).toBe(0);
    const moved = box.run({ STORE_URL: "https://shop.example.com" });
    expect(moved.status, moved.output).toBe(0);
    expect(moved.calls.filter((call) => MUTATING.test(call))).toEqual([
      "wp option update siteurl https://shop.example.com",
      "wp option update home https://shop.example.com",
    ]);
  });

  it("recreates the shop pages when one was deleted after setup", () => {
    const box = sandbox();
    writeFileSync(join(box.state, "db-up"), "");
    expect(box.run().status).toBe(0);
    rmSync(join(box.state, "posts", "12")); // the cart page
    const again = box.run();
    expect(again.status, again.output).toBe(0);
    expect(again.calls.filter((call) => MUTATING.test(call))).toEqual([
      "wp wc tool run install_pages",
    ]);
  });

  it("writes wp-config.php with WP-CLI, password on stdin, when the image has no wp-config-docker.php", () => {
    const box = sandbox();
    writeFileSync(join(box.state, "db-up"), "");
    rmSync(join(box.wpPath, "wp-config-docker.php"));
    const result = box.run();
    expect(result.status, result.output).toBe(0);
    expect(result.calls).toContain(
      "wp config create --dbhost=demo-mariadb:3306 --dbname=wordpress --dbuser=wordpress --prompt=dbpass",
    );
    expect(readFileSync(join(box.state, "db_password_from_stdin"), "utf8")).toBe(DB_PASSWORD);
    expect(result.calls.join("\n")).not.toContain(DB_PASSWORD);
  });

  it("creates the e2e REST API key only when asked, via wp eval with the key from the environment", () => {
    const box = sandbox();
    writeFileSync(join(box.state, "db-up"), "");
    const withoutKey = box.run();
    expect(withoutKey.calls.some((c) => c.startsWith("wp eval"))).toBe(false);
    const withKey = box.run({
      WC_API_CONSUMER_KEY: "ck_0123456789abcdef0123456789abcdef01234567",
      WC_API_CONSUMER_SECRET: "cs_0123456789abcdef0123456789abcdef01234567",
    });
    expect(withKey.status, withKey.output).toBe(0);
    // The PHP passed to `wp eval` spans lines; it reads the key from the environment.
    const calls = withKey.calls.join("\n");
    expect(calls).toMatch(/^wp eval/m);
    expect(calls).toContain('getenv("WC_API_CONSUMER_KEY")');
    expect(calls).not.toContain("ck_0123456789abcdef");
    expect(calls).not.toContain("cs_0123456789abcdef");
  });

  it("gives up on an unreachable database after its bounded wait", () => {
    const box = sandbox();
    const started = Date.now();
    const result = box.run({ DB_WAIT_SECONDS: "3" });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("not reachable after 3s");
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 20_000);

  it("refuses to start without its required settings, naming the missing one", () => {
    const box = sandbox();
    const result = box.run({ ADMIN_PASSWORD: "" });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("ADMIN_PASSWORD must be set");
  });
});
