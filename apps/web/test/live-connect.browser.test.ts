// Level: real browser against the real production server, real Postgres, the
// real controller loop and the SIMULATED cluster (test tool). The stores page
// re-fetches once when its live stream connects: a change made after the
// loader ran but before the stream opened is announced to nobody, and would
// otherwise stay off the page until some later event or a reload.
import { expect, it } from "vitest";
import { describeBrowser, uniqueName } from "./support/browser.ts";

describeBrowser("live updates: the stream's first connect", {}, (suite) => {
  it("a store written while the page's stream was still connecting shows without a reload", async () => {
    const user = await suite.newUser();
    await user.signUp();
    const { page } = user;

    // Hold the page's event stream until a change has been made behind its back.
    let streamRequested!: () => void;
    const requested = new Promise<void>((resolve) => {
      streamRequested = resolve;
    });
    let releaseStream!: () => void;
    const released = new Promise<void>((resolve) => {
      releaseStream = resolve;
    });
    await page.route("**/events/stream", async (route) => {
      streamRequested();
      await released;
      await route.continue();
    });
    await page.goto("/stores");
    await requested;
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });

    // Written straight to the database: no NOTIFY, and not due for an hour so
    // the controller leaves it alone — no event will ever announce this store.
    const { db } = suite.platform().database;
    const owner = await db
      .selectFrom("users")
      .select("id")
      .where("email", "=", user.email)
      .executeTakeFirstOrThrow();
    const name = uniqueName("quiet");
    const store = await db
      .insertInto("stores")
      .values({
        name,
        engine: "woocommerce",
        plan: "small",
        owner_id: owner.id,
        next_reconcile_at: new Date(Date.now() + 3_600_000),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    user.track(store.id);
    await expect(page.locator(".store-name", { hasText: name }).count()).resolves.toBe(0);

    releaseStream();
    await page.locator(".store-name", { hasText: name }).waitFor({ timeout: 15_000 });
    // Re-fetched in place, not reloaded.
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
  });
});
