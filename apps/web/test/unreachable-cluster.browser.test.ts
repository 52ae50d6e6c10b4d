// Level: real browser against the real production server and real Postgres,
// with NO reachable cluster (the kubeconfig default points nowhere): the
// dashboard says so plainly, stores are still recorded, and the detail page
// degrades to a note instead of failing or inventing pods.
import { expect, it } from "vitest";
import { describeBrowser, uniqueName } from "./support/browser.ts";

// With a kubeconfig set this could reach a real cluster: then this suite is
// not about an unreachable one, so it runs only without KUBECONFIG.
const kubeconfigSet = Boolean(process.env.KUBECONFIG);

describeBrowser(
  kubeconfigSet
    ? "dashboard with an unreachable cluster (not run: KUBECONFIG is set)"
    : "dashboard with an unreachable cluster",
  // The controller's retries against the absent cluster are expected: keep them out of the output.
  { cluster: "kube", logLevel: "error" },
  (suite) => {
    it.skipIf(kubeconfigSet)(
      "says the cluster is unreachable and degrades the detail page",
      async () => {
        const user = await suite.newUser();
        await user.signUp();
        const { page } = user;
        const banner = page.locator("[data-cluster=unreachable]");
        await expect(banner.textContent()).resolves.toContain("Cluster unreachable");

        const name = uniqueName("offline");
        await user.createStore({ name });
        await page.getByRole("heading", { name }).waitFor();
        await expect(page.getByTestId("cluster-note").textContent()).resolves.toContain(
          "cluster not connected",
        );
        // Revealing credentials needs the cluster: a clear error, not a crash (a 400 answer).
        user.expectConsoleError(/status of 400/);
        await page.getByRole("button", { name: "Reveal credentials" }).click();
        await page.getByRole("alert").filter({ hasText: "cluster not connected" }).waitFor();
      },
    );
  },
);
