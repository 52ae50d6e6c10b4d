// The attacker of the threat model (docs/security.md): a tenant's page on a
// sibling subdomain of the dashboard. Chromium maps every *.shops.localhost
// name to loopback (--host-resolver-rules), so the dashboard really is
// http://dashboard.shops.localhost:<port> and the store page really is
// http://evil.shops.localhost:<port>: the same *site*, different origins, the
// browser's own cookie and Fetch Metadata rules apply unchanged.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DatabaseHandle } from "@storeplane/db";
import { createFreshDatabase } from "@storeplane/db/testing";
import { type Browser, chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe } from "vitest";
import { browserRequirementsMet, CHROMIUM_ARGS, CHROMIUM_PATH, UserSession } from "./browser.ts";
import { startTestPlatform, type TestPlatform, type TestPlatformOptions } from "./platform.ts";

export const SITE = "shops.localhost";
export const DASHBOARD_HOST = `dashboard.${SITE}`;
export const ATTACKER_HOST = `evil.${SITE}`;

export interface AttackerSite {
  /** http://evil.shops.localhost:<port> */
  origin: string;
  /** Serves `html` at `path` (the tenant's page) until the next call. */
  serve(path: string, html: string): void;
}

export interface SiblingSuite {
  platform(): TestPlatform;
  database(): DatabaseHandle;
  /** http://dashboard.shops.localhost:<port> */
  dashboardOrigin(): string;
  attacker(): AttackerSite;
  /** A signed-in victim: their own browser context on the dashboard's host name. */
  newVictim(): Promise<UserSession>;
}

export function describeSiblingSites(
  title: string,
  options: TestPlatformOptions,
  body: (suite: SiblingSuite) => void,
): void {
  const fail = () => {
    throw new Error("security suite is skipped");
  };
  const skipped = () =>
    body({
      platform: fail,
      database: fail,
      dashboardOrigin: fail,
      attacker: fail,
      newVictim: fail,
    });
  if (!browserRequirementsMet(title, skipped)) return;

  describe(title, () => {
    let platform: TestPlatform | undefined;
    let browser: Browser | undefined;
    let attackerServer: Server | undefined;
    let attackerSite: AttackerSite | undefined;
    let dropDatabase: (() => Promise<void>) | undefined;
    const sessions: UserSession[] = [];

    beforeAll(async () => {
      const fresh = await createFreshDatabase(process.env.TEST_DATABASE_URL as string);
      dropDatabase = fresh.drop;
      const pages = new Map<string, string>();
      attackerServer = createServer((req, res) => {
        const html = pages.get(new URL(req.url ?? "/", "http://x").pathname);
        res.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
        res.end(html ?? "not found");
      });
      await new Promise<void>((resolve) => attackerServer?.listen(0, "127.0.0.1", resolve));
      const attackerPort = (attackerServer.address() as AddressInfo).port;
      attackerSite = {
        origin: `http://${ATTACKER_HOST}:${attackerPort}`,
        serve: (path, html) => {
          pages.clear();
          pages.set(path, html);
        },
      };
      [platform, browser] = await Promise.all([
        startTestPlatform({ ...options, databaseUrl: fresh.url }),
        chromium.launch({
          executablePath: CHROMIUM_PATH,
          args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP *.${SITE} 127.0.0.1`],
          headless: true,
        }),
      ]);
    }, 120_000);

    afterEach(async () => {
      for (const session of sessions.splice(0)) await session.context.close();
    });

    afterAll(async () => {
      await browser?.close();
      await platform?.close();
      await new Promise<void>((resolve) => attackerServer?.close(() => resolve()) ?? resolve());
      await dropDatabase?.();
    });

    const dashboardOrigin = () => {
      if (!platform) throw new Error("platform not started");
      return `http://${DASHBOARD_HOST}:${new URL(platform.url).port}`;
    };

    body({
      platform: () => {
        if (!platform) throw new Error("platform not started");
        return platform;
      },
      database: () => {
        if (!platform) throw new Error("platform not started");
        return platform.database;
      },
      dashboardOrigin,
      attacker: () => {
        if (!attackerSite) throw new Error("attacker site not started");
        return attackerSite;
      },
      async newVictim() {
        if (!browser) throw new Error("browser not started");
        const context = await browser.newContext({
          baseURL: dashboardOrigin(),
          viewport: { width: 1280, height: 900 },
        });
        const session = new UserSession(context, await context.newPage());
        sessions.push(session);
        await session.signUp();
        return session;
      },
    });
  });
}

/** What the attacker gets by loading the dashboard anonymously: a visitor cookie and the CSRF token bound to it. */
export async function attackerVisitorToken(
  dashboardUrl: string,
): Promise<{ cookieName: string; visitorId: string; csrf: string }> {
  const response = await fetch(new URL("/login", dashboardUrl));
  const html = await response.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = response.headers
    .getSetCookie()
    .map((line) => /^([^=;]*visitor[^=;]*)=([^;]*)/.exec(line))
    .find((match) => match !== null);
  if (!csrf || !cookie?.[1] || !cookie[2])
    throw new Error("no visitor cookie or CSRF field on /login");
  return { cookieName: cookie[1], visitorId: cookie[2], csrf };
}
