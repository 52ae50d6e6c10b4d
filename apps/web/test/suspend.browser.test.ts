// Level: real browser (Debian's Chromium via playwright-core) against the real
// production server, real Postgres, the real controller loop and the
// SIMULATED cluster (test tool). Suspend and resume (issue 16) from the store
// page: the buttons, the phase going Suspended and back to Ready live, and
// the stores list showing the Suspended badge.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeBrowser, uniqueName } from "./support/browser.ts";

/** The default engine chart version: what charts/woocommerce/Chart.yaml says. */
const DEFAULT_CHART_VERSION = /^version:\s*(\S+)/m.exec(
  readFileSync(join(import.meta.dirname, "../../../charts/woocommerce/Chart.yaml"), "utf8"),
)?.[1];

describeBrowser(
  "suspend and resume in a real browser",
  { storeLimitPerUser: 3, latencies: { workloadsReadyMs: 500, jobCompleteMs: 300 } },
  (suite) => {
    it("suspends a Ready store (its workloads at zero) and resumes it to Ready, live", async () => {
      const user = await suite.newUser();
      await user.signUp();
      const { page } = user;
      const name = uniqueName("nap");
      const id = await user.createStore({ name, engine: "woocommerce" });
      const badge = page.locator("h1 [data-phase]");
      await page.locator('h1 [data-phase="Ready"]').waitFor({ timeout: 30_000 });

      // The chart version the controller assigned it (the default) is on the page.
      await expect
        .poll(() => page.getByTestId("chart-version").textContent(), { timeout: 10_000 })
        .toBe(DEFAULT_CHART_VERSION);
      await page.getByRole("button", { name: "Suspend store" }).click();
      // The controller's transitions reach the page without a reload.
      await page.locator('h1 [data-phase="Suspended"]').waitFor({ timeout: 30_000 });
      await expect(page.getByTestId("suspension").textContent()).resolves.toMatch(
        /^Suspended: its workloads run zero replicas/,
      );
      await page.locator(".activity").filter({ hasText: "SuspendRequested" }).waitFor();
      expect(page.url()).toMatch(new RegExp(`/stores/${id}$`));
      // What the page says is what the simulated cluster holds.
      const sim = suite.platform().simulation;
      const namespace = `store-${name}`;
      const replicas = ["Deployment", "StatefulSet"]
        .flatMap((kind) => sim?.list(kind, { namespace }) ?? [])
        .filter((w) => w.metadata.name !== "store-paused")
        .map((w) => w.spec.replicas);
      expect(replicas.length).toBeGreaterThan(0);
      expect(replicas.every((n) => n === 0)).toBe(true);

      // The list shows the badge too.
      await page.goto("/stores");
      await page.locator(`tr[data-store="${name}"] [data-phase="Suspended"]`).waitFor();
      await page
        .locator(`tr[data-store="${name}"]`)
        .getByRole("link", { name, exact: true })
        .click();
      await page.waitForURL(`**/stores/${id}`);

      await page.getByRole("button", { name: "Resume store" }).click();
      await page.locator('h1 [data-phase="Ready"]').waitFor({ timeout: 30_000 });
      await expect(badge.textContent()).resolves.toBe("Ready");
      await page.getByRole("button", { name: "Suspend store" }).waitFor();
    });
  },
);
