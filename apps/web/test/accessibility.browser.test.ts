// Level: real browser (Debian's Chromium via playwright-core) against the real
// production server, real Postgres, the real controller loop and the
// SIMULATED cluster (test tool). axe-core 4 (from npm, injected into each
// page) audits every page a user meets in the first hour: signed out, signed
// in, a store's detail in each phase, the simulated store page, tokens, admin,
// the Rollouts pages and the create forms with errors. Any serious or critical violation fails.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { describeBrowser, uniqueName } from "./support/browser.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), {
  encoding: "utf8",
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** The serious and critical violations axe finds on the page as it is now. */
async function audit(page: Page, label: string): Promise<string[]> {
  // Evaluated in the page (not a <script> tag), so the page's CSP is not loosened for it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      resultTypes: ["violations"],
      // Off by default (experimental in axe 4), but it is WCAG 2.5.3 "label in
      // name": a link's accessible name must contain its visible text.
      rules: { "label-content-name-mismatch": { enabled: true } },
    });
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${label}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => JSON.stringify(node.target))
          .join(", ")}`,
    );
}

// Workloads take long enough to audit a Provisioning page, a namespace takes
// long enough to end to audit a Deleting one, and a store with a bad image
// fails within the test's time.
describeBrowser(
  "every page passes axe-core (no serious or critical violations)",
  {
    provisioningDeadlineSeconds: 6,
    latencies: { workloadsReadyMs: 2_500, jobCompleteMs: 1_000, namespaceTerminationMs: 2_500 },
  },
  (suite) => {
    it("signed out, signed in, create form with errors, stores, every store phase, simulated pages, tokens, admin and rollouts", async () => {
      const user = await suite.newUser();
      const { page } = user;
      const found: string[] = [];

      await page.goto("/login");
      found.push(...(await audit(page, "log in")));
      await page.goto("/signup");
      found.push(...(await audit(page, "sign up")));

      // The first account is the admin, so /admin is reachable below.
      await user.signUp();
      found.push(...(await audit(page, "stores (empty)")));

      // Create form with its errors showing (the same schema, inline).
      user.expectConsoleError(/status of 400/);
      await page.goto("/stores/new");
      await page.getByLabel("Name").fill("Bad_Name");
      await page.getByLabel("Name").blur();
      await page.locator("#name-error").waitFor();
      found.push(...(await audit(page, "create form with errors")));

      // Provisioning, then Ready, on the detail page.
      const name = uniqueName("a11y");
      const id = await user.createStore({ name, engine: "woocommerce" });
      await page.locator('h1 [data-phase="Provisioning"], h1 [data-phase="Pending"]').waitFor();
      found.push(...(await audit(page, "store detail (Provisioning)")));
      await page.locator('h1 [data-phase="Ready"]').waitFor({ timeout: 30_000 });
      found.push(...(await audit(page, "store detail (Ready)")));

      // "Open storefront" / "Open admin" lead to the dashboard's page about the
      // simulated store, which says so plainly, never to a dead *.localhost host.
      for (const [view, button] of [
        ["storefront", "Open storefront"],
        ["admin", "Open admin"],
      ] as const) {
        await page.goto(`/stores/${id}`);
        const href = await page.getByRole("link", { name: button }).getAttribute("href");
        expect(href).toBe(`/stores/${id}/simulated/${view}`);
        const response = await page.goto(href as string);
        expect(response?.status()).toBe(200);
        await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
          `${name} is a simulated store: there is no ${view} to open`,
        );
        await expect(page.getByTestId("simulated-store").textContent()).resolves.toContain(
          "What a real store would show here",
        );
        found.push(...(await audit(page, `simulated ${view}`)));
      }

      // A Failed store: an image that cannot be pulled.
      const broken = uniqueName("a11y-broken");
      suite.platform().simulation?.failImagePull(`store-${broken}`, "wordpress:does-not-exist");
      const brokenId = await user.createStore({ name: broken, engine: "woocommerce" });
      await page.locator('h1 [data-phase="Failed"]').waitFor({ timeout: 30_000 });
      found.push(...(await audit(page, "store detail (Failed)")));

      // The list with Ready and Failed rows (links, badges).
      await page.goto("/stores");
      await page.locator(`tr[data-store="${name}"] [data-phase="Ready"]`).waitFor();
      found.push(...(await audit(page, "stores (Ready and Failed)")));

      // Deleting, then Deleted.
      await page.goto(`/stores/${brokenId}`);
      await page.getByLabel(/to confirm/).fill(broken);
      await Promise.all([
        page.waitForURL(/\/stores\?deleted=/),
        page.getByRole("button", { name: "Delete this store" }).click(),
      ]);
      await page.goto(`/stores/${brokenId}`);
      found.push(...(await audit(page, "store detail (Deleting)")));
      for (let attempt = 0; attempt < 60; attempt += 1) {
        if ((await page.locator('h1 [data-phase="Deleted"]').count()) > 0) break;
        await page.waitForTimeout(500);
        await page.goto(`/stores/${brokenId}`);
      }
      await page.locator('h1 [data-phase="Deleted"]').waitFor();
      found.push(...(await audit(page, "store detail (Deleted)")));

      // Tokens, with a new token and its storectl command showing.
      await page.goto("/tokens");
      await page.getByLabel("Name").fill("a11y-token");
      await page.getByRole("button", { name: "Create token" }).click();
      await page.getByTestId("new-token").waitFor();
      found.push(...(await audit(page, "tokens")));

      await page.goto("/admin");
      await page.getByRole("heading", { name: "All stores" }).waitFor();
      found.push(...(await audit(page, "admin")));

      // Rollouts: the list with the start form's errors showing, then a
      // rollout halted at its canary (0.9.0 is not in the controller image).
      await page.goto("/admin/rollouts");
      await page.getByLabel("Chart version").fill("latest");
      await page.getByRole("button", { name: "Start rollout" }).click();
      await page.locator("#chartVersion-error").waitFor();
      found.push(...(await audit(page, "rollouts with form errors")));
      await page.getByLabel("Chart version").fill("0.9.0");
      await page.getByRole("button", { name: "Start rollout" }).click();
      await page.waitForURL(/\/admin\/rollouts\/[0-9a-f-]{36}$/);
      await page.getByTestId("halted").waitFor({ timeout: 30_000 });
      found.push(...(await audit(page, "rollout (halted)")));
      await page.getByRole("button", { name: "Abort" }).click();
      await page.locator('h1 [data-rollout-state="aborted"]').waitFor();
      await page.goto("/admin/rollouts");
      found.push(...(await audit(page, "rollouts (list)")));
      // The canary's page now has a chart version history with a failed entry.
      await page.goto(`/stores/${id}`);
      await page.getByTestId("chart-history").locator("li").nth(1).waitFor();
      found.push(...(await audit(page, "store detail (chart history)")));

      expect(found).toEqual([]);
    });
  },
);
