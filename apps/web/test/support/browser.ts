// Browser fixtures: Debian's Chromium driven by playwright-core (never a
// downloaded browser), one isolated context per user, console errors counted
// as failures unless a test says it expects them, and stores created through
// the UI deleted again at the end of each test.
import { existsSync } from "node:fs";
import { type ApiDeps, createApiDeps, createServerCaller } from "@storeplane/api";
import { createFreshDatabase } from "@storeplane/db/testing";
import pino from "pino";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import { startTestPlatform, type TestPlatform, type TestPlatformOptions } from "./platform.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const PASSWORD = "correct-horse-battery-staple";

export interface BrowserSuite {
  platform(): TestPlatform;
  /** A fresh browser context (its own cookies): one per user. */
  newUser(options?: { javaScriptEnabled?: boolean }): Promise<UserSession>;
}

/**
 * A suite that needs the real server, real Postgres and Chromium. Without
 * them it is skipped with the reason in its title, or fails when CI demands
 * them (REQUIRE_REAL_POSTGRES=1, REQUIRE_CHROMIUM=1).
 */
export function describeBrowser(
  title: string,
  options: TestPlatformOptions,
  body: (suite: BrowserSuite) => void,
): void {
  if (!browserRequirementsMet(title, () => body(unavailableSuite()))) return;

  describe(title, () => {
    let platform: TestPlatform | undefined;
    let browser: Browser | undefined;
    let dropDatabase: (() => Promise<void>) | undefined;
    let apiDeps: ApiDeps | undefined;
    const sessions: UserSession[] = [];

    beforeAll(async () => {
      const fresh = await createFreshDatabase(process.env.TEST_DATABASE_URL as string);
      dropDatabase = fresh.drop;
      [platform, browser] = await Promise.all([
        startTestPlatform({ ...options, databaseUrl: fresh.url }),
        chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true }),
      ]);
      apiDeps = createApiDeps({
        database: platform.database,
        config: platform.apiConfig,
        logger: pino({ level: "silent" }),
      });
    }, 120_000);

    afterEach(async () => {
      const open = sessions.splice(0);
      const problems: string[] = [];
      for (const session of open) {
        await session.cleanUp(apiDeps as ApiDeps);
        problems.push(...session.unexpectedConsoleErrors());
        await session.context.close();
      }
      if (problems.length > 0) {
        throw new Error(`console errors in the page:\n${problems.join("\n")}`);
      }
    });

    afterAll(async () => {
      await browser?.close();
      await platform?.close();
      await dropDatabase?.();
    });

    body({
      platform: () => {
        if (!platform) throw new Error("platform not started");
        return platform;
      },
      async newUser(userOptions = {}) {
        if (!browser || !platform) throw new Error("browser suite not started");
        const context = await browser.newContext({
          baseURL: platform.url,
          javaScriptEnabled: userOptions.javaScriptEnabled ?? true,
          viewport: { width: 1280, height: 900 },
        });
        const session = new UserSession(context, await context.newPage());
        sessions.push(session);
        return session;
      },
    });
  });
}

function unavailableSuite(): BrowserSuite {
  const fail = () => {
    throw new Error("browser suite is skipped");
  };
  return { platform: fail, newUser: fail };
}

let counter = 0;
/** Unique per run, DNS-1123 safe. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36).slice(-4)}${counter}`;
}

export class UserSession {
  readonly consoleErrors: string[] = [];
  private readonly expected: RegExp[] = [];
  private readonly stores = new Set<string>();
  email = "";

  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on("console", (message) => {
      if (message.type() === "error") this.consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => this.consoleErrors.push(`uncaught: ${error.message}`));
  }

  /** Marks console errors matching `pattern` as expected (e.g. the 404 of a page that must 404). */
  expectConsoleError(pattern: RegExp): void {
    this.expected.push(pattern);
  }

  unexpectedConsoleErrors(): string[] {
    return this.consoleErrors.filter(
      (text) => !this.expected.some((pattern) => pattern.test(text)),
    );
  }

  async signUp(email = `${uniqueName("user")}@example.com`): Promise<string> {
    const { page } = this;
    await page.goto("/signup");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await Promise.all([
      page.waitForURL("**/stores"),
      page.getByRole("button", { name: "Create your account" }).click(),
    ]);
    this.email = email;
    return email;
  }

  async logIn(email: string): Promise<void> {
    const { page } = this;
    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await Promise.all([
      page.waitForURL("**/stores"),
      page.getByRole("button", { name: "Log in" }).click(),
    ]);
    this.email = email;
  }

  /** Fills and submits the create form; resolves on the page the form leads to. */
  async submitCreateForm(input: {
    name: string;
    engine?: "woocommerce" | "medusa";
    plan?: string;
  }) {
    const { page } = this;
    await page.goto("/stores/new");
    await page.getByLabel("Name").fill(input.name);
    await page.getByLabel(input.engine === "medusa" ? /^Medusa/ : /^WooCommerce/).check();
    if (input.plan) await page.getByLabel(new RegExp(`^${input.plan}`, "i")).check();
    await Promise.all([
      page.waitForLoadState("networkidle").catch(() => undefined),
      page.getByRole("button", { name: "Create store" }).click(),
    ]);
  }

  /** Creates a store through the form and returns its id (from the detail page URL). */
  async createStore(input: { name: string; engine?: "woocommerce" | "medusa"; plan?: string }) {
    await this.submitCreateForm(input);
    await this.page.waitForURL(/\/stores\/[0-9a-f-]{36}$/);
    const id = this.page.url().split("/").pop() as string;
    this.stores.add(id);
    return id;
  }

  /** Records a store created some other way, so cleanUp deletes it. */
  track(storeId: string): void {
    this.stores.add(storeId);
  }

  /** The API, in-process, as this browser's user (for setup and cleanup, never for assertions about the UI). */
  async api(deps: ApiDeps) {
    const cookie = (await this.context.cookies()).find((c) =>
      /^(__Host-)?sp_session$/.test(c.name),
    );
    if (!cookie) throw new Error("not signed in");
    // Remix's createCookie stores JSON, base64-encoded, URL-encoded.
    const sessionToken = JSON.parse(
      Buffer.from(decodeURIComponent(cookie.value), "base64").toString("utf8"),
    ) as string;
    return await createServerCaller({ deps, sessionToken });
  }

  async cleanUp(deps: ApiDeps): Promise<void> {
    if (this.stores.size === 0) return;
    const api = await this.api(deps).catch(() => null);
    if (!api) return;
    for (const id of this.stores) {
      await api.stores.delete({ id }).catch(() => undefined);
    }
  }
}

/**
 * What every real-browser suite needs (real Postgres, Chromium). Without it the
 * suite fails when CI demands it (REQUIRE_REAL_POSTGRES=1, REQUIRE_CHROMIUM=1),
 * or is skipped with the reason in its title. True when the suite can run.
 */
export function browserRequirementsMet(title: string, registerSkipped: () => void): boolean {
  const missing: Array<{ reason: string; required: boolean }> = [];
  if (!process.env.TEST_DATABASE_URL) {
    missing.push({
      reason: "TEST_DATABASE_URL not set",
      required: process.env.REQUIRE_REAL_POSTGRES === "1",
    });
  }
  if (!existsSync(CHROMIUM_PATH)) {
    missing.push({
      reason: `Chromium not found at ${CHROMIUM_PATH}`,
      required: process.env.REQUIRE_CHROMIUM === "1",
    });
  }
  const required = missing.filter((entry) => entry.required);
  if (required.length > 0) {
    describe(title, () => {
      it("has what the browser suite needs", () => {
        throw new Error(`required but missing: ${required.map((m) => m.reason).join("; ")}`);
      });
    });
    return false;
  }
  if (missing.length > 0) {
    describe.skip(
      `${title} — skipped: ${missing.map((m) => m.reason).join("; ")}`,
      registerSkipped,
    );
    return false;
  }
  return true;
}
