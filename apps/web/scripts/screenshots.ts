// Writes docs/screenshots/*.png: the main pages in a real Chromium, against
// the real server and controller with the SIMULATED cluster (the banner in
// every shot says so). Stores are driven into several phases on purpose:
// Ready, Provisioning, Failed (an unpullable image) and Deleting (a held
// namespace).
//   npm run build -w @storeplane/web && npx tsx apps/web/scripts/screenshots.ts
// Uses TEST_DATABASE_URL (a fresh database in it) when set, else PGlite.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createFreshDatabase } from "@storeplane/db/testing";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, PASSWORD } from "../test/support/browser.ts";
import { startTestPlatform } from "../test/support/platform.ts";

const outDir = join(import.meta.dirname, "../../../docs/screenshots");
const fresh = process.env.TEST_DATABASE_URL
  ? await createFreshDatabase(process.env.TEST_DATABASE_URL)
  : null;
const platform = await startTestPlatform({
  ...(fresh ? { databaseUrl: fresh.url } : {}),
  mode: existsSync(join(import.meta.dirname, "../build/server/index.js"))
    ? "production"
    : "development",
  latencies: { workloadsReadyMs: 6_000, jobCompleteMs: 4_000 },
  provisioningDeadlineSeconds: 25,
});
const simulation = platform.simulation;
if (!simulation) throw new Error("screenshots need the simulated cluster");
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

async function userPage(): Promise<Page> {
  const context = await browser.newContext({
    baseURL: platform.url,
    viewport: { width: 1280, height: 820 },
    deviceScaleFactor: 1,
  });
  return context.newPage();
}

async function signUp(page: Page, email: string) {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await Promise.all([
    page.waitForURL("**/stores"),
    page.getByRole("button", { name: "Create your account" }).click(),
  ]);
}

async function create(page: Page, name: string, engine: "woocommerce" | "medusa", plan = "small") {
  await page.goto("/stores/new");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(engine === "medusa" ? /^Medusa/ : /^WooCommerce/).check();
  await page.getByLabel(new RegExp(`^${plan}`, "i")).check();
  await Promise.all([
    page.waitForURL(/\/stores\/[0-9a-f-]{36}$/),
    page.getByRole("button", { name: "Create store" }).click(),
  ]);
  return page.url().split("/").pop() as string;
}

async function shot(page: Page, name: string) {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  console.log(`wrote docs/screenshots/${name}.png`);
}

try {
  const ada = await userPage();
  await signUp(ada, "ada@example.com");
  await shot(ada, "01-stores-empty");

  const grace = await userPage();
  await signUp(grace, "grace@example.com");
  await create(grace, "grace-goods", "medusa");

  simulation.failImagePull("store-blue-harbor", "wordpress:6.8-php8.3-apche");
  const northWind = await create(ada, "north-wind", "woocommerce");
  await create(ada, "acme-outfitters", "medusa", "medium");
  const blueHarbor = await create(ada, "blue-harbor", "woocommerce");
  const oldPopup = await create(ada, "old-popup", "woocommerce");

  await ada.goto("/stores");
  await ada.locator('tr[data-store="old-popup"] [data-phase="Ready"]').waitFor({ timeout: 60_000 });
  // Deleting: the namespace is held by a finalizer, as a stuck PVC would.
  simulation.holdNamespaceTermination("store-old-popup");
  await ada.goto(`/stores/${oldPopup}`);
  await ada.getByLabel(/to confirm/).fill("old-popup");
  await Promise.all([
    ada.waitForURL(/deleted=/),
    ada.getByRole("button", { name: "Delete this store" }).click(),
  ]);
  await ada
    .locator('tr[data-store="blue-harbor"] [data-phase="Failed"]')
    .waitFor({ timeout: 60_000 });
  await create(ada, "fresh-market", "medusa");
  await ada.goto("/stores");
  await shot(ada, "02-stores-list");

  await ada.goto("/stores/new");
  await ada.getByLabel("Name").fill("Summer_Sale!");
  await ada.getByLabel("Name").blur();
  await ada.getByText(/Name may contain only/).waitFor();
  await shot(ada, "03-create-store-errors");

  await ada.goto(`/stores/${northWind}`);
  await ada.getByRole("button", { name: "Reveal credentials" }).click();
  await ada.getByTestId("credentials").waitFor();
  await shot(ada, "04-store-detail");

  await ada.goto(`/stores/${blueHarbor}`);
  await shot(ada, "05-store-detail-failed");

  await ada.goto("/tokens");
  await ada.getByLabel("Name").fill("ci-deploy");
  await ada.getByRole("button", { name: "Create token" }).click();
  await ada.getByTestId("new-token").waitFor();
  await shot(ada, "06-api-tokens");

  await ada.goto("/admin");
  await shot(ada, "07-admin");

  const narrow = await browser.newContext({
    baseURL: platform.url,
    viewport: { width: 390, height: 844 },
  });
  const phone = await narrow.newPage();
  await phone.goto("/login");
  await phone.getByLabel("Email").fill("ada@example.com");
  await phone.getByLabel("Password").fill(PASSWORD);
  await Promise.all([
    phone.waitForURL("**/stores"),
    phone.getByRole("button", { name: "Log in" }).click(),
  ]);
  await shot(phone, "08-stores-mobile");

  const anonymous = await userPage();
  await anonymous.goto("/login");
  await shot(anonymous, "00-login");
} finally {
  await browser.close();
  await platform.close();
  await fresh?.drop();
}
