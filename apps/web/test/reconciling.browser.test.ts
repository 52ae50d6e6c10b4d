// Level: real browser against the real production server, real Postgres, the
// real controller loop and the SIMULATED cluster (test tool), here with a slow
// helm install: the controller writes Reconciling before helm starts, and the
// detail page shows it live, on the Helm release step, without a reload.
import { expect, it } from "vitest";
import { describeBrowser, uniqueName } from "./support/browser.ts";

describeBrowser(
  "Reconciling shown live in a real browser",
  // Slow API calls too, so helm starts after the page has connected to the
  // live stream and Reconciling arrives as a live update, not with the
  // re-fetch the page makes when the stream connects.
  {
    latencies: { apiCallMs: 700, helmInstallMs: 6_000, workloadsReadyMs: 300, jobCompleteMs: 200 },
  },
  (suite) => {
    it("shows 'installing release, revision 1' on the Helm release step while helm runs, then Ready", async () => {
      const user = await suite.newUser();
      await user.signUp();
      const { page } = user;
      const name = uniqueName("slowhelm");
      await user.createStore({ name, engine: "woocommerce" });
      await page.evaluate(() => {
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      });

      const release = page.locator('[data-step="ReleaseReady"]');
      await release
        .filter({ hasText: "installing release, revision 1" })
        .waitFor({ timeout: 20_000 });
      expect(await release.getAttribute("data-state")).toBe("active");
      await expect(release.textContent()).resolves.toContain("Installing");
      // Seen while helm was still running: the simulated install has not finished.
      const ns = `store-${name}`;
      const snapshot = await suite.platform().simulation!.connect("observer").snapshot();
      expect(snapshot.namespaces.get(ns)?.releases[0]?.status).toBe("pending-install");

      await page.locator('h1 [data-phase="Ready"]').waitFor({ timeout: 30_000 });
      await expect(release.textContent()).resolves.not.toContain("installing release");
      expect(await release.getAttribute("data-state")).toBe("done");
      expect(
        await page.evaluate(
          () => (window as unknown as { __sameDocument?: boolean }).__sameDocument,
        ),
      ).toBe(true);
    });
  },
);
