// A shopper's order in a real browser on a WooCommerce 10 store with the
// Storefront theme, as a person would place it: shop page → product → add to
// cart → cart (the cart block) → checkout (the checkout block WooCommerce 10
// puts on its checkout page) → address → Cash on delivery → place order → the
// order-received page. Selectors are the names and labels a shopper reads.
import type { Page } from "playwright-core";

export const BROWSER_SHOPPER = { email: "browser.shopper@example.com", firstName: "Brook" };

export async function buyThroughBlockCheckout(
  page: Page,
  baseUrl: string,
  shot: (name: string) => Promise<void> = async () => {},
): Promise<{ orderId: number; shownNumber: string | undefined }> {
  await page.goto(`${baseUrl}/shop/`);
  await shot("1-shop");
  await page.getByRole("link", { name: "Storeplane Sample Hoodie" }).first().click();
  await page.getByRole("heading", { name: "Storeplane Sample Hoodie" }).waitFor();
  await page.getByRole("button", { name: "Add to cart" }).click();
  const added = page.getByRole("alert").filter({ hasText: "has been added to your cart" });
  await added.waitFor();
  await shot("2-product");

  // The notice's link (the header's mini cart has a hidden one too).
  await added.getByRole("link", { name: "View cart" }).click();
  await page.waitForURL(/\/cart\/$/);
  // The block cart renders in the browser from the Store API.
  await page
    .locator(".wc-block-cart-items")
    .getByText("Storeplane Sample Hoodie")
    .first()
    .waitFor();
  await shot("3-cart");
  await page.getByRole("link", { name: "Proceed to Checkout" }).click();

  await page.waitForURL(/\/checkout\/$/);
  await page.locator('[data-block-name="woocommerce/checkout"]').waitFor();
  await page.getByLabel("Email address").fill(BROWSER_SHOPPER.email);
  await page.getByLabel("First name").fill(BROWSER_SHOPPER.firstName);
  await page.getByLabel("Last name").fill("Shopper");
  await page.getByLabel("Address", { exact: true }).fill("2 Canal Road");
  await page.getByLabel("City").fill("Sacramento");
  await page.getByLabel("ZIP Code").fill("95814");
  // The blocks validate and store a field when it loses focus, as a person tabbing on would.
  await page.keyboard.press("Tab");
  // The block checkout styles its radio inputs hidden; a shopper clicks the method's name.
  const cod = page.getByLabel("Cash on delivery");
  await cod.waitFor({ state: "attached" });
  if (!(await cod.isChecked())) await page.getByText("Cash on delivery", { exact: true }).click();
  // The block pushes the address to the Store API as it is typed; let that settle.
  await page.waitForLoadState("networkidle");
  await shot("4-checkout");
  await page.getByRole("button", { name: "Place Order" }).click();

  await page
    .waitForURL(/\/checkout\/order-received\/\d+\//, { timeout: 90_000 })
    .catch(async (error) => {
      const notices = await page.locator(".wc-block-components-notice-banner").allInnerTexts();
      throw new Error(
        `no order-received page after Place Order (notices: ${JSON.stringify(notices)}): ${error}`,
      );
    });
  await page.getByText("Thank you. Your order has been received.").waitFor();
  const shown = (await page.locator("main").innerText()).match(/Order number:\s*(\d+)/i);
  const orderId = Number(new URL(page.url()).pathname.match(/order-received\/(\d+)/)?.[1]);
  return { orderId, shownNumber: shown?.[1] };
}
