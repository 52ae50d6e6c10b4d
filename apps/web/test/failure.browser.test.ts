// Level: real browser against the real production server, real Postgres, the
// real controller loop and the SIMULATED cluster (test tool), here with a
// fault injected: a store whose image cannot be pulled fails with the concrete
// reason (the pipeline, the pods and the Kubernetes Warning events the
// simulation recorded), and a retry after the fault is gone brings it to
// Ready — all seen live on one page.
import { expect, it } from "vitest";
import { describeBrowser, uniqueName } from "./support/browser.ts";

describeBrowser(
  "a failed store in a real browser",
  { provisioningDeadlineSeconds: 4, latencies: { workloadsReadyMs: 500, jobCompleteMs: 300 } },
  (suite) => {
    it("shows the failure reason in the pipeline and pods, and retries to Ready", async () => {
      const user = await suite.newUser();
      await user.signUp();
      const { page } = user;
      const name = uniqueName("broken");
      suite.platform().simulation!.failImagePull(`store-${name}`, "wordpress:does-not-exist");
      await user.createStore({ name, engine: "woocommerce" });
      await page.evaluate(() => {
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      });

      await page.locator('h1 [data-phase="Failed"]').waitFor({ timeout: 30_000 });
      await page.getByRole("alert").filter({ hasText: "Provisioning failed" }).waitFor();
      const failed = page.locator('[data-step="WorkloadsReady"]');
      expect(await failed.getAttribute("data-state")).toBe("failed");
      await expect(failed.textContent()).resolves.toContain("wordpress:does-not-exist");
      await expect(page.locator("table.pods").textContent()).resolves.toContain("ImagePullBackOff");
      // The kubelet's own Warning events, as `kubectl get events` would list them.
      const warning = page
        .locator('table.cluster-events tr[data-type="Warning"]')
        .filter({ hasText: "BackOff" })
        .filter({ hasText: 'Back-off pulling image "wordpress:does-not-exist"' });
      await warning.first().waitFor();
      await expect(warning.first().textContent()).resolves.toMatch(/Pod\/store-wordpress-/);
      await page
        .getByTestId("live-status")
        .filter({ hasText: `${name} is Failed` })
        .waitFor();

      suite.platform().simulation!.clearImagePullFailure(`store-${name}`);
      await page.getByRole("button", { name: "Retry now" }).click();
      await page.locator('h1 [data-phase="Ready"]').waitFor({ timeout: 30_000 });
      await expect(page.locator(".activity").textContent()).resolves.toContain("RetryRequested");
      expect(
        await page.evaluate(
          () => (window as unknown as { __sameDocument?: boolean }).__sameDocument,
        ),
      ).toBe(true);
    });
  },
);
