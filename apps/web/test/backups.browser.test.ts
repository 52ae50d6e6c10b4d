// Level: real browser against the real production server, real Postgres, the
// real controller loop and the SIMULATED cluster (test tool). The store detail
// page's Backups card: "Back up now" requests a backup that the table shows;
// a completed backup (its completion written as the controller's record step
// writes it) shows size, duration and sha256; a restore needs the store's
// name typed, refuses anything else in the page, and records the request; a
// clone names the field it refuses and, accepted, opens the new store's page;
// a verify is requested from the card, a second one while it is pending is
// refused with the API's reason, and its result (written as the verify
// runner's record step writes it) shows in the table. Results arrive live,
// without a reload (the repository announces them to the dashboard).

import type { Database } from "@storeplane/db";
import {
  completeBackup,
  finishVerification,
  markBackupRunning,
  markVerificationRunning,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import { expect, it } from "vitest";
import { describeBrowser, type UserSession, uniqueName } from "./support/browser.ts";

/** A backup's run and completion, written as the controller's backup runner records them. */
async function recordCompleteBackup(
  db: Kysely<Database>,
  backupId: string,
  result: { sizeBytes: number; durationMs: number; sha256: string },
): Promise<void> {
  await markBackupRunning(db, backupId, new Date(Date.now() - result.durationMs));
  await completeBackup(db, backupId, { ...result, objectKey: "k" }, new Date());
}

describeBrowser(
  "store backups in a real browser",
  { latencies: { apiCallMs: 5, helmInstallMs: 50, workloadsReadyMs: 50, jobCompleteMs: 50 } },
  (suite) => {
    /**
     * A signed-up user's Ready WooCommerce store with one backup, completed as
     * the backup runner records it, on the store's page. Before completion
     * the card offers neither a clone nor a verify: only a complete backup can.
     */
    async function readyStoreWithCompleteBackup(user: UserSession, prefix: string) {
      await user.signUp();
      const { page } = user;
      const name = uniqueName(prefix);
      const storeId = await user.createStore({ name, engine: "woocommerce" });
      await page.locator('h1 [data-phase="Ready"]').waitFor({ timeout: 30_000 });
      const card = page.locator("section", { has: page.getByRole("heading", { name: "Backups" }) });
      await card.getByRole("button", { name: "Back up now" }).click();
      const row = card.locator("tbody tr").first();
      await row.waitFor();
      expect(await card.getByTestId("clone-form").count()).toBe(0);
      expect(await card.getByTestId("verify-form").count()).toBe(0);
      const backupId = (await row.getAttribute("data-backup-id")) as string;
      await recordCompleteBackup(suite.platform().database.db, backupId, {
        sizeBytes: 59_435,
        durationMs: 1_400,
        sha256: "e".repeat(64),
      });
      // No reload: the page hears of the completion and shows the forms.
      await card.getByTestId("verify-form").waitFor();
      return { name, storeId, backupId, card };
    }

    it("backs up, shows the result, and restores only with the store's name typed", async () => {
      const user = await suite.newUser();
      await user.signUp();
      const { page } = user;
      const name = uniqueName("bk");
      const storeId = await user.createStore({ name, engine: "medusa" });
      await page.locator('h1 [data-phase="Ready"]').waitFor({ timeout: 30_000 });

      const card = page.locator("section", { has: page.getByRole("heading", { name: "Backups" }) });
      await card.getByText("No backups yet.").waitFor();
      await card.getByRole("button", { name: "Back up now" }).click();
      const row = card.locator("tbody tr");
      await row.first().waitFor();
      await expect(row.first().textContent()).resolves.toContain("requested");
      const backupId = (await row.first().getAttribute("data-backup-id")) as string;

      const { db } = suite.platform().database;
      await recordCompleteBackup(db, backupId, {
        sizeBytes: 446_853,
        durationMs: 3_668,
        sha256: "a1b2c3d4e5f60718".padEnd(64, "0"),
      });
      // Live: the completion reaches the open page without a reload.
      await expect
        .poll(() => row.first().textContent())
        .toMatch(/succeeded.*436\.4 KiB.*a1b2c3d4e5f60718…/);

      // The refused restore answers 400, which the browser logs.
      user.expectConsoleError(/status of 400/);
      await card.getByLabel(/to replace the store's data/).fill("not-the-name");
      await card.getByRole("button", { name: "Restore" }).click();
      await expect(card.getByTestId("backup-error").textContent()).resolves.toContain(
        `Type the store's name, "${name}", to confirm the restore.`,
      );
      expect(await db.selectFrom("store_restores").selectAll().execute()).toEqual([]);

      await card.getByLabel(/to replace the store's data/).fill(name);
      await card.getByRole("button", { name: "Restore" }).click();
      // Accepted: the action redirects back to the page, whose activity shows
      // the request, with no error. (The old error goes as soon as the new
      // submission starts, so its absence alone proves nothing.)
      await page.locator(".activity").filter({ hasText: "RestoreRequested" }).waitFor();
      expect(await card.getByTestId("backup-error").count()).toBe(0);
      expect(page.url()).toMatch(new RegExp(`/stores/${storeId}$`));
      const restores = await db.selectFrom("store_restores").selectAll().execute();
      expect(restores).toEqual([
        expect.objectContaining({
          backup_id: backupId,
          target_store_id: storeId,
          kind: "restore",
          status: "requested",
        }),
      ]);

      // A second restore while the first is requested: the API's reason, shown in the card.
      await card.getByLabel(/to replace the store's data/).fill(name);
      await card.getByRole("button", { name: "Restore" }).click();
      await expect(card.getByTestId("backup-error").textContent()).resolves.toContain(
        `a restore into store ${name} is already requested`,
      );
      expect(user.unexpectedConsoleErrors()).toEqual([]);
    });

    it("clones a succeeded backup into a new store, naming the field it refuses", async () => {
      const user = await suite.newUser();
      const { page } = user;
      const { name, storeId, backupId, card } = await readyStoreWithCompleteBackup(user, "src");
      const { db } = suite.platform().database;
      const form = card.getByTestId("clone-form");
      const nameField = form.getByLabel("New store's name");

      // Refused by the API's own rules, each under the name field; nothing written.
      user.expectConsoleError(/status of 400/);
      await nameField.fill("Not_A_Name");
      await form.getByRole("button", { name: "Clone into a new store" }).click();
      await expect(form.locator("#clone-name-error").textContent()).resolves.toMatch(
        /^New store's name /,
      );
      await nameField.fill(name);
      await form.getByRole("button", { name: "Clone into a new store" }).click();
      await expect
        .poll(() => form.locator("#clone-name-error").textContent())
        .toMatch(/^New store's name .*taken/);
      const clones = () =>
        db.selectFrom("store_restores").selectAll().where("kind", "=", "clone").execute();
      expect(await clones()).toEqual([]);

      const cloneName = uniqueName("copy");
      await form.getByLabel("New store's name").fill(cloneName);
      await form.getByRole("button", { name: "Clone into a new store" }).click();
      await page.waitForURL(
        (url) => /\/stores\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(storeId),
      );
      const cloneId = page.url().split("/").pop() as string;
      user.track(cloneId);
      // The URL changes before the new page has rendered: wait for its heading.
      await page.locator("h1", { hasText: cloneName }).waitFor();
      await page.locator(".activity").filter({ hasText: "CloneRequested" }).waitFor();
      expect(await clones()).toEqual([
        expect.objectContaining({
          backup_id: backupId,
          target_store_id: cloneId,
          kind: "clone",
          status: "requested",
        }),
      ]);
    });

    it("verifies a backup from the card, refuses a second while one is pending, and shows the result", async () => {
      const user = await suite.newUser();
      const { page } = user;
      const { backupId, card } = await readyStoreWithCompleteBackup(user, "vf");
      const { db } = suite.platform().database;
      const row = card.locator(`tbody tr[data-backup-id="${backupId}"]`);
      const verification = row.getByTestId("verification");
      await expect(verification.textContent()).resolves.toBe("–");

      const form = card.getByTestId("verify-form");
      await form.getByRole("button", { name: "Verify backup" }).click();
      await expect.poll(() => verification.textContent()).toBe("requested");
      await page.locator(".activity").filter({ hasText: "BackupVerifyRequested" }).waitFor();
      const stored = () =>
        db
          .selectFrom("backups")
          .select(["verification_status", "verification_requested_by"])
          .where("id", "=", backupId)
          .executeTakeFirstOrThrow();
      await expect(stored()).resolves.toEqual({
        verification_status: "requested",
        verification_requested_by: expect.stringMatching(/^user:/),
      });

      // A second request while the first is pending: the API's reason, in the card.
      user.expectConsoleError(/status of 400/);
      await form.getByRole("button", { name: "Verify backup" }).click();
      await expect(card.getByTestId("backup-error").textContent()).resolves.toContain(
        `a verification of backup ${backupId} is already requested`,
      );

      await markVerificationRunning(db, backupId, new Date(Date.now() - 2_900));
      await finishVerification(
        db,
        backupId,
        { status: "failed", error: "order lookup: no order in the restored database" },
        new Date(),
      );
      await expect
        .poll(() => verification.textContent())
        .toBe("failed: order lookup: no order in the restored database");

      // A failed verification can be asked for again; this one passes.
      await form.getByRole("button", { name: "Verify backup" }).click();
      await expect.poll(() => verification.textContent()).toBe("requested");
      await markVerificationRunning(db, backupId, new Date(Date.now() - 2_900));
      await finishVerification(db, backupId, { status: "passed", durationMs: 2_900 }, new Date());
      await expect.poll(() => verification.textContent()).toBe("passed in 3 s");
    });
  },
);
