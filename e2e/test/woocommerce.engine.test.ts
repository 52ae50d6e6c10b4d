// Level: real engine. WordPress 6.8.3 + WooCommerce 10.2.2 + Storefront 4.6.1
// (the pins of images/woocommerce, from scripts/woocommerce-stack.sh) on
// Debian's PHP 8.2 and a throwaway MariaDB, set up by images/woocommerce/setup.sh
// — the file the chart's setup Job runs — with the environment the chart
// renders for that Job. Then orders: one through the Store API with the e2e
// order client, one in real headless Chromium through the block checkout, both
// confirmed through the REST API with the consumer key the setup created and
// through the admin login the platform hands out.
//
// PHP's built-in server stands in for Apache (a router script does what the
// .htaccess rewrite rules do). As root, WordPress and the setup script run as
// www-data (uid 33), like the Job's runAsUser. REQUIRE_WOOCOMMERCE=1 turns a
// missing prerequisite (PHP, MariaDB, helm, the stack) into a failure;
// REQUIRE_CHROMIUM=1 likewise for the browser order.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  confirmWooOrder,
  listWooOrders,
  placeWooOrder,
  type WooAdminAuth,
  WooApiError,
} from "../src/orders/woocommerce.ts";
import { confirmWooOrderAsAdmin } from "../src/woo-admin.ts";
import { BROWSER_SHOPPER, buyThroughBlockCheckout } from "./harness/block-checkout.ts";
import { describeEngine, itInChromium } from "./harness/engine-suite.ts";
import { mariadbProblem, startMariadb, type ThrowawayMariadb } from "./harness/mariadb.ts";
import { type CommandResult, runCommand } from "./harness/processes.ts";
import {
  jobEnvironment,
  renderSetupJob,
  resolveHelm,
  type SetupJob,
} from "./harness/setup-job-env.ts";
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
const CHART_SETUP_SCRIPT = join(repoRoot, "charts/woocommerce/files/setup.sh");

const timings: Record<string, number> = {};
function logTiming(step: string, ms: number) {
  timings[step] = Math.round(ms);
  console.log(`woocommerce timing: ${step} ${(ms / 1000).toFixed(1)}s`);
}

// Prerequisites, cheapest first; the stack is unpacked from the fixture archive once.
const helm = resolveHelm();
const stack = await (async () => {
  const missing = [
    phpProblem(),
    mariadbProblem(),
    helm ? null : "helm not found (npm install fetches it)",
  ];
  const problem = missing.find(Boolean);
  if (problem) return { problem };
  return prepareStack();
})();

// What setup.sh may leave different between two runs: nothing it sets.
interface ShopSnapshot {
  products: number;
  pages: number;
  apiKeys: number;
  users: number;
  shippingMethods: number;
  options: Record<string, string>;
}
const SNAPSHOT_OPTIONS = [
  "siteurl",
  "home",
  "blogname",
  "permalink_structure",
  "stylesheet",
  "template",
  "active_plugins",
  "woocommerce_shop_page_id",
  "woocommerce_cart_page_id",
  "woocommerce_checkout_page_id",
  "woocommerce_myaccount_page_id",
  "woocommerce_cod_settings",
  "woocommerce_default_country",
  "woocommerce_coming_soon",
  "woocommerce_onboarding_profile",
  "woocommerce_task_list_hidden_lists",
];

describeEngine(
  "WooCommerce engine",
  "WooCommerce engine — real WordPress 6.8.3 + WooCommerce 10.2.2 on PHP and MariaDB",
  { requireVar: "REQUIRE_WOOCOMMERCE", problem: "problem" in stack ? stack.problem : null },
  () => {
    const stackDir = (stack as { dir: string }).dir;
    const secret = {
      "admin-username": "shopadmin",
      "admin-password": randomBytes(12).toString("base64url"),
      "admin-email": "admin@storeplane.test",
      "database-password": randomBytes(12).toString("hex"),
    };
    // Optional variables of setup.sh the chart does not pass: a read-only REST key.
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
    let job: SetupJob;
    let env: Record<string, string> = {};
    let baseUrl = "";
    let first: CommandResult;
    let second: CommandResult;
    let beforeRerun: ShopSnapshot;
    let afterRerun: ShopSnapshot;
    const placedOrderIds: number[] = [];

    const setup = (overrides: Record<string, string | undefined> = {}) => {
      const merged: NodeJS.ProcessEnv = { ...env, ...overrides };
      for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete merged[k];
      return runCommand("sh", [(site as Site).setupScript], {
        env: merged,
        timeoutMs: 600_000,
        runAs: site?.runAs,
      });
    };
    const wp = async (...args: string[]) => {
      const result = await runCommand("wp", [`--path=${env.WP_PATH}`, ...args], {
        env,
        timeoutMs: 120_000,
        runAs: site?.runAs,
      });
      if (result.code !== 0) throw new Error(`wp ${args.join(" ")}: ${result.output}`);
      return result.output.replace(/^sh: 1: \/usr\/sbin\/sendmail: not found\n?/gm, "").trim();
    };
    const sqlNumber = async (query: string) =>
      Number(await (db as ThrowawayMariadb).sql(`USE wordpress; ${query}`));
    const snapshot = async (): Promise<ShopSnapshot> => {
      const rows = await (db as ThrowawayMariadb).sql(
        `USE wordpress; SELECT option_name, option_value FROM wp_options WHERE option_name IN (${SNAPSHOT_OPTIONS.map((o) => `'${o}'`).join(",")}) ORDER BY option_name`,
      );
      return {
        products: await sqlNumber("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'product'"),
        pages: await sqlNumber("SELECT COUNT(*) FROM wp_posts WHERE post_type = 'page'"),
        apiKeys: await sqlNumber("SELECT COUNT(*) FROM wp_woocommerce_api_keys"),
        users: await sqlNumber("SELECT COUNT(*) FROM wp_users"),
        shippingMethods: await sqlNumber(
          "SELECT COUNT(*) FROM wp_woocommerce_shipping_zone_methods",
        ),
        options: Object.fromEntries(
          rows.split("\n").map((line) => line.split("\t", 2) as [string, string]),
        ),
      };
    };

    beforeAll(async () => {
      const started = performance.now();
      db = await startMariadb({
        name: "wordpress",
        user: "wordpress",
        password: secret["database-password"],
      });
      site = createSite(stackDir, SETUP_SCRIPT);
      const dbEnv = {
        WORDPRESS_DB_HOST: `${db.host}:${db.port}`,
        WORDPRESS_DB_NAME: "wordpress",
        WORDPRESS_DB_USER: "wordpress",
        WORDPRESS_DB_PASSWORD: secret["database-password"],
      };
      server = await startPhpServer(site, dbEnv);
      baseUrl = server.baseUrl;
      logTiming("MariaDB + site + PHP server", performance.now() - started);

      job = renderSetupJob(helm as string, { name: "enginetest", url: baseUrl });
      env = {
        ...jobEnvironment(job, secret, {
          WORDPRESS_DB_HOST: dbEnv.WORDPRESS_DB_HOST,
          WP_PATH: site.wpPath,
          HOME: site.tmp,
          WP_CLI_CACHE_DIR: join(site.tmp, "wp-cli-cache"),
        }),
        ...restKey,
        PATH: `${site.bin}:${process.env.PATH}`,
      };

      first = await setup();
      logTiming("setup.sh first run", first.ms);
      beforeRerun = await snapshot();
      second = await setup();
      logTiming("setup.sh rerun", second.ms);
      afterRerun = await snapshot();
    }, 1_500_000);

    afterAll(async () => {
      await server?.stop();
      await db?.stop();
      site?.remove();
      console.log(`woocommerce timings (ms): ${JSON.stringify(timings)}`);
      console.log(`woocommerce orders placed: ${JSON.stringify(placedOrderIds)}`);
    }, 60_000);

    it("runs the file the chart's Job runs, with the Job's environment", () => {
      // values-local.yaml (prebaked image): the Job runs the script baked from images/woocommerce.
      expect(job.command).toEqual(["/usr/local/bin/storeplane-setup.sh"]);
      expect(readFileSync(CHART_SETUP_SCRIPT).equals(readFileSync(SETUP_SCRIPT))).toBe(true);
      expect(readFileSync((site as Site).setupScript).equals(readFileSync(SETUP_SCRIPT))).toBe(
        true,
      );
      expect(job.runAsUser).toBe(33);
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining([
          "STORE_URL",
          "STORE_TITLE",
          "ADMIN_USER",
          "ADMIN_PASSWORD",
          "ADMIN_EMAIL",
          "WORDPRESS_DB_HOST",
          "WORDPRESS_DB_PASSWORD",
          "WOOCOMMERCE_VERSION",
          "STOREFRONT_VERSION",
        ]),
      );
      expect(env.STORE_URL).toBe(baseUrl);
    });

    it("first run on a fresh site exits 0 and leaves a shop open for orders", async () => {
      expect(first.code, first.output).toBe(0);
      expect(first.output).toContain(`done: ${baseUrl} is open for orders`);
      expect(first.output).toContain("installing WordPress at");
      expect(first.output).toContain("REST API key created");
      expect(first.output).not.toMatch(/^Error:/m);
      for (const value of [
        secret["admin-password"],
        secret["database-password"],
        restKey.WC_API_CONSUMER_SECRET,
      ]) {
        expect(first.output).not.toContain(value);
      }

      // Read from the database: each WP-CLI call boots WordPress and WooCommerce (seconds under load).
      const { options } = beforeRerun;
      expect(options.siteurl).toBe(baseUrl);
      expect(options.home).toBe(baseUrl);
      expect(options.blogname).toBe("enginetest");
      expect(options.permalink_structure).toBe("/%postname%/");
      expect(options.active_plugins).toContain('"woocommerce/woocommerce.php"');
      expect(options.stylesheet).toBe("storefront");
      expect(options.woocommerce_cod_settings).toContain('s:7:"enabled";s:3:"yes"');
      expect(options.woocommerce_coming_soon).toBe("no");
      expect(await wp("plugin", "is-active", "woocommerce")).toBe("");
      expect(
        await sqlNumber(
          `SELECT COUNT(*) FROM wp_woocommerce_api_keys WHERE truncated_key = '${restKey.WC_API_CONSUMER_KEY.slice(-7)}' AND permissions = 'read'`,
        ),
      ).toBe(1);

      // What a shopper sees: the site title, an open shop (no coming-soon page), the product.
      const home = await fetch(`${baseUrl}/`);
      expect(home.status).toBe(200);
      const shop = await (await fetch(`${baseUrl}/shop/`)).text();
      expect(shop).toContain("enginetest");
      expect(shop).toContain("Storeplane Sample Hoodie");
      expect(shop).not.toMatch(/coming soon/i);
      const products = (await (
        await fetch(`${baseUrl}/wp-json/wc/store/v1/products`)
      ).json()) as Array<{
        name: string;
        is_purchasable: boolean;
        is_in_stock: boolean;
        prices: { price: string };
      }>;
      expect(products).toEqual([
        expect.objectContaining({
          name: "Storeplane Sample Hoodie",
          is_purchasable: true,
          is_in_stock: true,
        }),
      ]);
      expect(products[0]?.prices.price).toBe("2500");
    }, 120_000);

    it("a second run exits 0 and changes nothing", () => {
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain("WordPress already installed");
      expect(second.output).toContain("REST API key present");
      expect(second.output).not.toMatch(
        /installing|activating|creating|enabling|adding|setting|hiding|turning off/,
      );
      expect(afterRerun).toEqual(beforeRerun);
      expect(afterRerun).toMatchObject({ products: 1, apiKeys: 1, users: 1, shippingMethods: 1 });
      expect(afterRerun.options.woocommerce_task_list_hidden_lists).toContain('"setup"');
    });

    it("places an order through the Store API and confirms it with the consumer key and as the admin", async () => {
      const started = performance.now();
      const placed = await placeWooOrder({ baseUrl, email: "api.shopper@example.com" });
      logTiming("order via Store API", performance.now() - started);
      console.log(
        `woocommerce store-api order #${placed.orderId} steps (ms): ${JSON.stringify(placed.timings)}`,
      );
      expect(placed.status).toBe("processing");
      placedOrderIds.push(placed.orderId);

      const confirmedAt = performance.now();
      const seen = await confirmWooOrder({ baseUrl, auth: consumerKey, orderId: placed.orderId });
      logTiming("confirm via REST (consumer key)", performance.now() - confirmedAt);
      expect(seen).toMatchObject({
        id: placed.orderId,
        payment_method: "cod",
        total: "25.00",
        currency: "USD",
      });
      expect(seen.billing.email).toBe("api.shopper@example.com");
      expect(seen.line_items?.[0]?.name).toBe("Storeplane Sample Hoodie");

      const asAdmin = await confirmWooOrderAsAdmin(
        { baseUrl, username: secret["admin-username"], password: secret["admin-password"] },
        placed.orderId,
      );
      expect(asAdmin.id).toBe(placed.orderId);
      await expect(
        confirmWooOrderAsAdmin(
          { baseUrl, username: secret["admin-username"], password: secret["admin-password"] },
          placed.orderId + 10_000,
        ),
      ).rejects.toThrow(
        new RegExp(`order ${placed.orderId + 10_000} not in GET /wc/v3/orders as admin`),
      );
    }, 60_000);

    it("refuses a wrong consumer secret and a wrong admin password, as WooCommerce does", async () => {
      const error = await listWooOrders({
        baseUrl,
        auth: { ...consumerKey, consumerSecret: "cs_wrong" },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WooApiError);
      expect((error as WooApiError).status).toBe(401);
      expect((error as WooApiError).code).toBe("woocommerce_rest_authentication_error");
      await expect(
        confirmWooOrderAsAdmin(
          { baseUrl, username: secret["admin-username"], password: "wrong" },
          1,
        ),
      ).rejects.toThrow(/WordPress admin login failed for shopadmin/);
    }, 60_000);

    it("returns WooCommerce's own field errors for an invalid address through the client", async () => {
      const badPostcode = await placeWooOrder({ baseUrl, address: { postcode: "ABCDE" } }).catch(
        (e: unknown) => e,
      );
      expect(badPostcode).toBeInstanceOf(WooApiError);
      expect((badPostcode as WooApiError).status).toBe(400);
      expect((badPostcode as WooApiError).code).toBe("rest_invalid_param");
      expect((badPostcode as WooApiError).fields.billing_address).toMatch(
        /postcode \/ ZIP is not valid/,
      );
      expect((badPostcode as Error).message).toMatch(
        /checkout → 400: rest_invalid_param .*billing_address: The provided postcode \/ ZIP is not valid/,
      );

      const noName = await placeWooOrder({ baseUrl, address: { first_name: "" } }).catch(
        (e: unknown) => e,
      );
      expect((noName as WooApiError).code).toBe("woocommerce_rest_invalid_address");
      expect((noName as WooApiError).fields.billing).toBe("First name is required");
    }, 60_000);

    it("setup.sh refuses a missing variable and an unreachable database without reporting success", async () => {
      const before = await snapshot();
      const missing = await setup({ ADMIN_EMAIL: undefined });
      expect(missing.code).not.toBe(0);
      expect(missing.output).toContain("ADMIN_EMAIL must be set");
      expect(missing.output).not.toContain("done:");

      const wrongPassword = await setup({
        WORDPRESS_DB_PASSWORD: "not-the-password",
        DB_WAIT_SECONDS: "3",
      });
      expect(wrongPassword.code).not.toBe(0);
      expect(wrongPassword.output).toContain(
        `database ${env.WORDPRESS_DB_HOST} not reachable after 3s`,
      );
      expect(wrongPassword.output).not.toContain("done:");
      expect(wrongPassword.output).not.toContain("not-the-password");
      expect(await snapshot()).toEqual(before);
    }, 120_000);

    itInChromium(
      "a shopper buys in headless Chromium through the block checkout, confirmed through the REST API",
      async (launch) => {
        const started = performance.now();
        const browser = await launch();
        const pageErrors: string[] = [];
        const shots = process.env.STOREFRONT_SCREENSHOTS;
        if (shots) mkdirSync(shots, { recursive: true });
        try {
          const page = await browser.newPage();
          page.on("pageerror", (error) => pageErrors.push(error.message));
          page.setDefaultTimeout(45_000);
          const shot = async (name: string) => {
            if (shots)
              await page.screenshot({ path: join(shots, `woo-${name}.png`), fullPage: true });
          };

          const { orderId, shownNumber } = await buyThroughBlockCheckout(page, baseUrl, shot);
          await shot("5-order-received");
          logTiming("order via block checkout (Chromium)", performance.now() - started);
          console.log(`woocommerce browser order #${orderId}`);
          expect(orderId).toBeGreaterThan(0);
          expect(shownNumber, "the order-received page shows the order number").toBe(
            String(orderId),
          );
          expect(pageErrors).toEqual([]);
          placedOrderIds.push(orderId);

          const seen = await confirmWooOrder({ baseUrl, auth: consumerKey, orderId });
          expect(seen).toMatchObject({ id: orderId, payment_method: "cod", status: "processing" });
          expect(seen.billing).toMatchObject({
            email: BROWSER_SHOPPER.email,
            first_name: BROWSER_SHOPPER.firstName,
          });

          const all = await listWooOrders({ baseUrl, auth: consumerKey });
          const ours = all.filter((o) => placedOrderIds.includes(o.id));
          expect(ours.map((o) => o.id).sort()).toEqual([...placedOrderIds].sort());
          // Anything else is a draft the Store API opened for a checkout this suite
          // had refused (the invalid-address test), never an order that was placed.
          const others = all.filter((o) => !placedOrderIds.includes(o.id));
          expect(others.map((o) => o.status)).toEqual(others.map(() => "checkout-draft"));
        } finally {
          await browser.close();
        }
      },
      240_000,
    );
  },
);
