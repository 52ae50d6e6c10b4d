// Level: real browser (Debian's Chromium via playwright-core) against the real
// production server, real Postgres, the real controller loop and the
// SIMULATED cluster (test tool). The long lists: the stores and admin pages
// page through and search a fleet larger than one page, with JavaScript and
// without it (plain GET forms and links), and rows on screen still update
// live when the controller changes them.
import { createApiDeps } from "@storeplane/api";
import pino from "pino";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { type BrowserSuite, describeBrowser, type UserSession } from "./support/browser.ts";

const STORES = 120; // pages of 50: 1–50, 51–100, 101–120
const OTHER_USERS = 60; // with the admin and the member: 62 users, two pages
const name = (i: number) => `shop-${String(i).padStart(3, "0")}`;

describeBrowser(
  "long store and user lists in a real browser",
  { storeLimitPerUser: 500, storeLimitPlatform: 1_000, latencies: { workloadsReadyMs: 500 } },
  (suite) => {
    const adminEmail = "lists-admin@example.com";
    const memberEmail = "lists-member@example.com";
    let seeded: Promise<void> | null = null;

    /** Once per suite: the admin (first account) and the member sign up through the form; their fleet is seeded. */
    function seed(): Promise<void> {
      seeded ??= (async () => {
        for (const email of [adminEmail, memberEmail]) {
          const user = await suite.newUser();
          await user.signUp(email);
        }
        const db = suite.platform().database.db;
        const member = await db
          .selectFrom("users")
          .select("id")
          .where("email", "=", memberEmail)
          .executeTakeFirstOrThrow();
        // shop-001 is the newest; 1 in 20 Failed; nothing due, so the controller leaves them be.
        await db
          .insertInto("stores")
          .values(
            Array.from({ length: STORES }, (_, k) => {
              const i = k + 1;
              return {
                name: name(i),
                engine: i % 3 === 0 ? ("medusa" as const) : ("woocommerce" as const),
                plan: "small" as const,
                owner_id: member.id,
                phase: i % 20 === 0 ? ("Failed" as const) : ("Ready" as const),
                last_error: i % 20 === 0 ? "seeded failure" : null,
                created_at: new Date(Date.now() - i * 60_000),
                next_reconcile_at: new Date(Date.now() + 365 * 86_400_000),
              };
            }),
          )
          .execute();
        await db
          .insertInto("users")
          .values(
            Array.from({ length: OTHER_USERS }, (_, i) => ({
              email: `other-${String(i).padStart(2, "0")}@example.com`,
              password_hash: "x",
              role: "member" as const,
              // Joined one after another, after the two above: the join order is the list order.
              created_at: new Date(Date.now() + (i + 1) * 1_000),
            })),
          )
          .execute();
      })();
      return seeded;
    }

    async function signedIn(email: string, javaScriptEnabled: boolean): Promise<UserSession> {
      await seed();
      const user = await suite.newUser({ javaScriptEnabled });
      await user.logIn(email);
      return user;
    }

    const rowNames = (page: Page) =>
      page.locator("tr[data-store]").evaluateAll((rows) => rows.map((r) => r.dataset.store));
    const range = (page: Page, prefix = "") =>
      page.getByTestId(`${prefix}pager-range`).textContent();

    /**
     * Follows a link or submits a form and waits for the URL it leads to (a
     * reload without JavaScript). With JavaScript the URL changes a moment
     * before React commits the new page, so what is on it is polled for.
     */
    async function go(page: Page, action: () => Promise<void>, url: RegExp) {
      await Promise.all([page.waitForURL(url), action()]);
      await page.waitForLoadState("load");
    }

    for (const js of [true, false]) {
      const mode = js ? "with JavaScript" : "without JavaScript";

      it(`stores page ${mode}: pages forward and back, then searches by name and engine`, async () => {
        const { page } = await signedIn(memberEmail, js);
        await page.goto("/stores");
        await expect
          .poll(() => rowNames(page))
          .toEqual(Array.from({ length: 50 }, (_, k) => name(k + 1)));
        await expect.poll(() => range(page)).toContain(`1–50 of ${STORES}`);

        const pager = page.getByRole("navigation", { name: "Pages of stores" });
        await go(page, () => pager.getByRole("link", { name: "Next page" }).click(), /cursor=/);
        await expect
          .poll(() => rowNames(page))
          .toEqual(Array.from({ length: 50 }, (_, k) => name(k + 51)));
        await expect.poll(() => range(page)).toContain(`51–100 of ${STORES}`);
        await go(page, () => pager.getByRole("link", { name: "Next page" }).click(), /page=3/);
        await expect
          .poll(() => rowNames(page))
          .toEqual(Array.from({ length: 20 }, (_, k) => name(k + 101)));
        // The last page has no next link.
        expect(await pager.getByRole("link", { name: "Next page" }).count()).toBe(0);
        await go(
          page,
          () => pager.getByRole("link", { name: "First page" }).click(),
          /\/stores(\?)?$/,
        );
        await expect.poll(async () => (await rowNames(page))[0]).toBe(name(1));

        // shop-11x: ten stores; of those, medusa are the multiples of 3 (111, 114, 117).
        const search = page.getByRole("search", { name: "Search your stores" });
        await search.getByLabel("Name starts with").fill("shop-11");
        await search.getByLabel("Engine").selectOption("medusa");
        await go(page, () => search.getByRole("button", { name: "Search" }).click(), /q=shop-11/);
        expect(new URL(page.url()).searchParams.get("engine")).toBe("medusa");
        await expect.poll(() => rowNames(page)).toEqual([name(111), name(114), name(117)]);
        expect(await page.getByTestId("pager").textContent()).toContain("3 stores");
        // The form shows the search it ran.
        expect(await search.getByLabel("Name starts with").inputValue()).toBe("shop-11");

        // A bad filter is named beside its field, and the page still renders.
        await page.goto("/stores?q=Not%20A%20Name!");
        await page.locator("#search-q-error").waitFor();
        expect(await page.locator("#search-q").getAttribute("aria-invalid")).toBe("true");
        expect(await page.getByRole("heading", { name: "Stores", level: 1 }).count()).toBe(1);
      });

      it(`admin page ${mode}: searches every store by owner and status, pages through users`, async () => {
        const { page } = await signedIn(adminEmail, js);
        await page.goto("/admin");
        await expect.poll(() => range(page)).toContain(`1–50 of ${STORES}`);

        const search = page.getByRole("search", { name: "Search all stores" });
        await search.getByLabel("Owner email").fill(memberEmail);
        await search.getByLabel("Status").selectOption("Failed");
        await go(
          page,
          () => search.getByRole("button", { name: "Search" }).click(),
          /phase=Failed/,
        );
        const firstColumn = page
          .getByRole("region", { name: "All stores" })
          .locator("tbody tr td:first-child");
        await expect
          .poll(() => firstColumn.allTextContents())
          .toEqual([20, 40, 60, 80, 100, 120].map(name));

        // Users: 62 in join order, 50 a page; the users pager keeps the store search.
        await expect.poll(() => range(page, "users-")).toContain(`1–50 of ${OTHER_USERS + 2}`);
        const usersPager = page.getByRole("navigation", { name: "Pages of users" });
        await go(
          page,
          () => usersPager.getByRole("link", { name: "Next page" }).click(),
          /users-cursor=/,
        );
        await expect
          .poll(() => range(page, "users-"))
          .toContain(`51–${OTHER_USERS + 2} of ${OTHER_USERS + 2}`);
        expect(new URL(page.url()).searchParams.get("phase")).toBe("Failed");
        await page.getByRole("cell", { name: `other-${OTHER_USERS - 1}@example.com` }).waitFor();
      });
    }

    it("a store on screen (page 2) changes live; the page is never reloaded", async () => {
      const user = await signedIn(memberEmail, true);
      const { page } = user;
      await page.goto("/stores");
      const pager = page.getByRole("navigation", { name: "Pages of stores" });
      await go(page, () => pager.getByRole("link", { name: "Next page" }).click(), /cursor=/);
      const row = page.locator(`tr[data-store="${name(60)}"]`);
      await row.locator('[data-phase="Failed"]').waitFor();
      await page.evaluate(() => {
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      });
      // A manual retry through the API: the controller takes it from there
      // (NOTIFY → reconcile → status write → NOTIFY → the page re-fetches).
      const api = await user.api(apiDepsOf(suite));
      await api.stores.retry({ id: await storeId(suite, name(60)) });
      await row.locator('[data-phase]:not([data-phase="Failed"])').waitFor({ timeout: 30_000 });
      expect(
        await page.evaluate(
          () => (window as unknown as { __sameDocument?: boolean }).__sameDocument,
        ),
      ).toBe(true);
      // Still page 2: a live update re-fetches the page on screen, it does not jump.
      await expect.poll(() => range(page)).toContain(`51–100 of ${STORES}`);
    });
  },
);

function apiDepsOf(suite: BrowserSuite) {
  const platform = suite.platform();
  return createApiDeps({
    database: platform.database,
    config: platform.apiConfig,
    logger: pino({ level: "silent" }),
  });
}

async function storeId(suite: BrowserSuite, storeName: string): Promise<string> {
  const row = await suite
    .platform()
    .database.db.selectFrom("stores")
    .select("id")
    .where("name", "=", storeName)
    .executeTakeFirstOrThrow();
  return row.id;
}
