// Level: real browser (Debian's Chromium via playwright-core) against the real
// production server, real Postgres, the real controller loop and the
// SIMULATED cluster (test tool).
import { expect, it } from "vitest";
import { describeBrowser, uniqueName } from "./support/browser.ts";

// The simulated workloads take ~2.5 s to become ready, so a test can watch a
// store go Provisioning → Ready on a page that is never reloaded.
describeBrowser(
  "dashboard in a real browser",
  { storeLimitPerUser: 3, latencies: { workloadsReadyMs: 2_500, jobCompleteMs: 1_500 } },
  (suite) => {
    // The first account of a platform is its admin; the first test creates it.
    let adminEmail = "";

    it("sign up → create a WooCommerce store → Ready live → detail → credentials → delete → gone", async () => {
      const user = await suite.newUser();
      adminEmail = await user.signUp();
      const { page } = user;
      await expect(page.locator("[data-cluster=simulated]").textContent()).resolves.toContain(
        "Simulated cluster",
      );

      const name = uniqueName("shop");
      const id = await user.createStore({ name, engine: "woocommerce" });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);

      // Back to the list at once, then wait for Ready without ever reloading.
      await page
        .getByRole("navigation", { name: "Main" })
        .getByRole("link", { name: "Stores" })
        .click();
      await page.waitForURL("**/stores");
      const row = page.locator(`tr[data-store="${name}"]`);
      await row.waitFor();
      const firstPhase = await row.locator("[data-phase]").getAttribute("data-phase");
      expect(["Pending", "Provisioning"]).toContain(firstPhase);
      await page.evaluate(() => {
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      });
      await row.locator('[data-phase="Ready"]').waitFor({ timeout: 30_000 });
      // Screen readers hear the change, not the whole table.
      await page
        .getByTestId("announcer")
        .filter({ hasText: `${name} is Ready` })
        .waitFor();
      expect(
        await page.evaluate(
          () => (window as unknown as { __sameDocument?: boolean }).__sameDocument,
        ),
      ).toBe(true);
      // On the simulated cluster no shop answers at <name>.localhost: the
      // links lead to the dashboard's page saying so.
      // Accessible names start with the visible text (WCAG 2.5.3).
      const storefront = row.getByRole("link", { name: `storefront of ${name}` });
      await storefront.waitFor();
      expect(await storefront.textContent()).toMatch(new RegExp(`^${name}\\.`));
      expect(await row.getByRole("link", { name: `of ${name}` }).count()).toBe(2);
      expect(await row.getByRole("link", { name: /^admin/ }).getAttribute("href")).toBe(
        `/stores/${id}/simulated/admin`,
      );

      // Detail: every pipeline step done, activity logged, pods listed.
      await row.getByRole("link", { name, exact: true }).click();
      await page.waitForURL(`**/stores/${id}`);
      // A client-side navigation updates the URL a moment before React commits
      // the new page, so wait for the pipeline rather than read it at once.
      const pipelineStates = () =>
        page
          .locator("[data-step]")
          .evaluateAll((steps) => steps.map((step) => step.getAttribute("data-state")));
      await expect
        .poll(pipelineStates, { timeout: 10_000 })
        .toEqual(["done", "done", "done", "done", "done", "done"]);
      await expect(page.locator(".activity").textContent()).resolves.toContain("CreateRequested");
      await expect(page.getByTestId("time-to-ready").textContent()).resolves.toMatch(
        /Ready in \d+ s/,
      );
      await page.locator("table.pods tbody tr").first().waitFor();

      // Reveal credentials (a POST the API audits).
      await page.getByRole("button", { name: "Reveal credentials" }).click();
      await page.getByTestId("credentials").waitFor();
      expect((await page.getByTestId("password").textContent())?.length).toBeGreaterThan(8);
      await page.getByRole("button", { name: "Copy password" }).waitFor();

      // Delete: a wrong name is refused (a 400 answer), the right one goes through.
      user.expectConsoleError(/status of 400/);
      await page.getByLabel(/to confirm/).fill("not-the-name");
      await page.getByRole("button", { name: "Delete this store" }).click();
      await page.getByText(`Type the store's name, "${name}", to confirm.`).waitFor();
      await page.getByLabel(/to confirm/).fill(name);
      await Promise.all([
        page.waitForURL(/\/stores\?deleted=/),
        page.getByRole("button", { name: "Delete this store" }).click(),
      ]);
      await page.evaluate(() => {
        (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
      });
      // The URL changes before the list has rendered: wait for the list (its
      // quota meter), then for the row to go once the controller has removed it.
      await page.getByTestId("quota").waitFor();
      await page
        .locator(`tr[data-store="${name}"]`)
        .waitFor({ state: "detached", timeout: 30_000 });
      expect(
        await page.evaluate(
          () => (window as unknown as { __sameDocument?: boolean }).__sameDocument,
        ),
      ).toBe(true);
      await expect(page.getByTestId("quota").textContent()).resolves.toBe("0 of 3 stores");
    });

    it("shows validation errors inline and from the server, and keeps the form usable", async () => {
      const user = await suite.newUser();
      await user.signUp();
      // A refused form answers 400, which Chromium reports as a failed load.
      user.expectConsoleError(/status of 400/);
      const { page } = user;
      await page.goto("/stores/new");
      const nameField = page.getByLabel("Name");

      // Inline (same zod schema in the browser), before anything is sent.
      await nameField.fill("Bad_Name");
      await nameField.blur();
      await page.getByText("Name may contain only lowercase letters, digits and '-'").waitFor();
      expect(await nameField.getAttribute("aria-invalid")).toBe("true");
      // One message for one bad input: the first rule it breaks ("Bad_Name" breaks two).
      expect(await page.locator("#name-error li").count()).toBe(1);
      await nameField.fill("admin");
      await page.getByText("Name is reserved").waitFor();
      await nameField.fill("ok-name-now");
      await page.locator("#name-error").waitFor({ state: "detached" });

      // A taken name is only known to the server.
      const other = await suite.newUser();
      await other.signUp();
      const taken = uniqueName("taken");
      await other.createStore({ name: taken });
      await user.submitCreateForm({ name: taken });
      await page.getByText("Name is taken").waitFor();
      expect(page.url()).toMatch(/\/stores\/new$/);
    });

    it("shows the quota error on the form", async () => {
      const user = await suite.newUser();
      await user.signUp();
      for (let index = 0; index < 3; index += 1) {
        await user.createStore({ name: uniqueName(`quota${index}`) });
      }
      await user.page.goto("/stores");
      await expect(user.page.getByTestId("quota").textContent()).resolves.toBe("3 of 3 stores");
      user.expectConsoleError(/status of 400/);
      await user.submitCreateForm({ name: uniqueName("one-too-many") });
      await user.page
        .getByRole("alert")
        .filter({ hasText: "Quota reached: you already have 3 of 3 stores" })
        .waitFor();
    });

    it("hides one user's store from another: not in the list, and its URL is a 404 page", async () => {
      const owner = await suite.newUser();
      await owner.signUp();
      const name = uniqueName("private");
      const id = await owner.createStore({ name });

      const stranger = await suite.newUser();
      await stranger.signUp();
      await stranger.page.goto("/stores");
      expect(await stranger.page.locator(`tr[data-store="${name}"]`).count()).toBe(0);
      stranger.expectConsoleError(/404/);
      const response = await stranger.page.goto(`/stores/${id}`);
      expect(response?.status()).toBe(404);
      await stranger.page.getByRole("heading", { name: "Not found" }).waitFor();
      expect(await stranger.page.content()).not.toContain(name);
    });

    it("creates and deletes a store with JavaScript disabled", async () => {
      const user = await suite.newUser({ javaScriptEnabled: false });
      await user.signUp();
      user.expectConsoleError(/status of 400/);
      const { page } = user;

      // Server-side validation without any script.
      await user.submitCreateForm({ name: "x" });
      await page.getByText("Name must be 3–40 characters").waitFor();

      const name = uniqueName("nojs");
      const id = await user.createStore({ name, engine: "medusa" });
      await page.getByRole("heading", { name }).waitFor();
      // Without JavaScript there are no live updates: reload until Ready.
      for (let attempt = 0; attempt < 40; attempt += 1) {
        if ((await page.locator('h1 [data-phase="Ready"]').count()) > 0) break;
        await page.waitForTimeout(500);
        await page.goto(`/stores/${id}`);
      }
      await page.locator('h1 [data-phase="Ready"]').waitFor({ timeout: 1_000 });

      await page.getByRole("button", { name: "Reveal credentials" }).click();
      await page.getByTestId("credentials").waitFor();

      await page.getByLabel(/to confirm/).fill(name);
      await Promise.all([
        page.waitForURL(/\/stores\?deleted=/),
        page.getByRole("button", { name: "Delete this store" }).click(),
      ]);
      for (let attempt = 0; attempt < 40; attempt += 1) {
        if ((await page.locator(`tr[data-store="${name}"]`).count()) === 0) break;
        await page.waitForTimeout(500);
        await page.goto("/stores");
      }
      expect(await page.locator(`tr[data-store="${name}"]`).count()).toBe(0);
    });

    it("creates, shows once, lists and revokes an API token", async () => {
      const user = await suite.newUser();
      await user.signUp();
      const { page } = user;
      await page.goto("/tokens");
      await page.getByLabel("Name").fill("ci-deploy");
      await page.getByRole("button", { name: "Create token" }).click();
      const token = (await page.getByTestId("token-value").textContent()) ?? "";
      expect(token.length).toBeGreaterThan(20);
      await expect(page.locator("pre.code").textContent()).resolves.toContain(
        `npm run storectl -- login --url ${suite.platform().url} --token ${token}`,
      );
      // The form is ready for the next token, and the whole command is on screen
      // (it wraps): nothing is cut off or hidden behind a scroll box.
      expect(await page.getByLabel("Name").inputValue()).toBe("");
      const box = await page
        .locator("pre.code")
        .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(box.scroll).toBeLessThanOrEqual(box.client);

      // The token works against /api/trpc over HTTP, as scripts use it.
      const me = await fetch(`${suite.platform().url}/api/trpc/auth.me`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(me.status).toBe(200);
      expect(await me.text()).toContain(user.email);

      await page.reload();
      expect(await page.content()).not.toContain(token);
      await page.locator('tr[data-token="ci-deploy"]').waitFor();
      await page.getByRole("button", { name: "Revoke token ci-deploy" }).click();
      await page.getByText("Token “ci-deploy” revoked").waitFor();
      const after = await fetch(`${suite.platform().url}/api/trpc/auth.me`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(after.status).toBe(401);
    });

    it("lets admins see every store and user, and no one else", async () => {
      const member = await suite.newUser();
      await member.signUp();
      const name = uniqueName("member-shop");
      await member.createStore({ name });

      const admin = await suite.newUser();
      await admin.logIn(adminEmail);
      await admin.page.getByRole("link", { name: "Admin" }).click();
      await admin.page.getByRole("heading", { name: "All stores" }).waitFor();
      await admin.page.getByRole("cell", { name: member.email }).first().waitFor();
      await admin.page.getByRole("link", { name }).waitFor();

      member.expectConsoleError(/403/);
      const response = await member.page.goto("/admin");
      expect(response?.status()).toBe(403);
      expect(await member.page.getByRole("link", { name: "Admin" }).count()).toBe(0);
    });

    it("rejects a form post without the CSRF token", async () => {
      const user = await suite.newUser();
      await user.signUp();
      const response = await user.page.request.post("/stores/new", {
        form: { name: uniqueName("csrf"), engine: "woocommerce", plan: "small" },
        maxRedirects: 0,
      });
      expect(response.status()).toBe(403);
    });

    it("serves pages that cannot be framed and load code only from their own origin", async () => {
      const user = await suite.newUser();
      const response = await user.page.request.get("/login");
      const headers = response.headers();
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"]).toContain("script-src 'self' 'unsafe-inline'");
    });
  },
);
