// Level: real browser (Debian's Chromium via playwright-core) against the real
// production server, real Postgres, the real controller loop and the
// SIMULATED cluster (test tool). Deletion protection (issue 16): ticked on the
// create form, shown and toggled on the detail page, and a delete refused
// with the API's message naming the flag until it is turned off.
import { appendStoreEvent, notifyStoreStatusChanged } from "@storeplane/db";
import { expect, it } from "vitest";
import { describeBrowser, uniqueName } from "./support/browser.ts";

describeBrowser(
  "deletion protection in a real browser",
  { storeLimitPerUser: 3, latencies: { workloadsReadyMs: 300, jobCompleteMs: 200 } },
  (suite) => {
    it("a store created protected refuses delete with the flag's name until it is turned off", async () => {
      const user = await suite.newUser();
      await user.signUp();
      const { page } = user;
      const name = uniqueName("safe");
      await page.goto("/stores/new");
      await page.getByLabel("Name").fill(name);
      await page.getByLabel(/^WooCommerce/).check();
      await page.getByLabel("Protect from deletion").check();
      await page.getByRole("button", { name: "Create store" }).click();
      await page.waitForURL(/\/stores\/[0-9a-f-]{36}$/);
      const id = page.url().split("/").pop() as string;
      user.track(id);

      const state = page.getByTestId("deletion-protection");
      await expect(state.textContent()).resolves.toMatch(/^On: deleting this store is refused/);

      // The right name, and still refused: the API's message, under the field.
      user.expectConsoleError(/status of 400/);
      await page.getByLabel(/to confirm/).fill(name);
      await page.getByRole("button", { name: "Delete this store" }).click();
      await page
        .getByText(`deletionProtection is on: turn it off before deleting store "${name}"`)
        .waitFor();
      expect(page.url()).toMatch(new RegExp(`/stores/${id}$`));
      await expect(page.locator(".activity").textContent()).resolves.not.toContain(
        "DeleteRequested",
      );

      // A live update (the controller writing a condition) re-runs the page's
      // loaders; the refusal must stay on screen through it, not vanish with
      // Remix's cleared action data. The event is the proof the page did
      // re-render with fresh data.
      const { db } = suite.platform().database;
      await appendStoreEvent(db, {
        storeId: id,
        type: "Normal",
        reason: "LiveUpdateProbe",
        message: "written by the test to make the page revalidate",
        actor: "test:deletion-protection",
      });
      await notifyStoreStatusChanged(db, id);
      await page.locator(".activity").filter({ hasText: "LiveUpdateProbe" }).waitFor();
      await expect(
        page
          .getByText(`deletionProtection is on: turn it off before deleting store "${name}"`)
          .isVisible(),
      ).resolves.toBe(true);

      await page.getByRole("button", { name: "Turn off deletion protection" }).click();
      await page.getByText("Off: the store can be deleted.").waitFor();
      await page.locator(".activity").filter({ hasText: "DeletionProtectionOff" }).waitFor();
      await page.getByLabel(/to confirm/).fill(name);
      await Promise.all([
        page.waitForURL(/\/stores\?deleted=/),
        page.getByRole("button", { name: "Delete this store" }).click(),
      ]);
    });

    it("turns protection on from the detail page, without JavaScript too", async () => {
      const user = await suite.newUser({ javaScriptEnabled: false });
      await user.signUp();
      const { page } = user;
      const name = uniqueName("plain");
      const id = await user.createStore({ name, engine: "medusa" });
      await expect(page.getByTestId("deletion-protection").textContent()).resolves.toBe(
        "Off: the store can be deleted.",
      );
      await page.getByRole("button", { name: "Turn on deletion protection" }).click();
      await page.getByText("On: deleting this store is refused").waitFor();
      await page
        .getByText("Deletion protection is on: turn it off above before deleting.")
        .waitFor();

      // What the browser saw is what the database holds.
      const row = () =>
        suite
          .platform()
          .database.db.selectFrom("stores")
          .select("deletion_protection")
          .where("id", "=", id)
          .executeTakeFirstOrThrow();
      expect((await row()).deletion_protection).toBe(true);
      // Off again through the page, so the suite's clean-up can delete it.
      await page.getByRole("button", { name: "Turn off deletion protection" }).click();
      await page.getByText("Off: the store can be deleted.").waitFor();
      expect((await row()).deletion_protection).toBe(false);
    });
  },
);
