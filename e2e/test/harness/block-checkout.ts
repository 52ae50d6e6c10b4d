// A shopper's order in a real browser on a WooCommerce 10 store with the
// Storefront theme, as a person would place it: shop page → product → add to
// cart → cart (the cart block) → checkout (the checkout block WooCommerce 10
// puts on its checkout page) → address → Cash on delivery → place order → the
// order-received page. Selectors are the names and labels a shopper reads.
import type { Page } from "playwright-core";

export const BROWSER_SHOPPER = { email: "browser.shopper@example.com", firstName: "Brook" };
const SHOPPER_ADDRESS = { street: "2 Canal Road", city: "Sacramento", postcode: "95814" };

// The selectors of @wordpress/data stores the checkout block registers that the wait below reads.
interface WpData {
  select(store: "wc/store/checkout"): { isCalculating(): boolean };
  select(store: "wc/store/cart"): { isCustomerDataUpdating(): boolean };
}

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
  // The checkout block pushes the address to the Store API (POST /wc/store/v1/batch,
  // cart/update-customer) when focus leaves the address form, and while that push
  // and the shipping recalculation run it ignores "Place Order": the checkout
  // store reports isCalculating() and the click starts no POST /wc/store/v1/checkout.
  // Seen in this suite: clicking Place Order straight from the address form made
  // the click itself trigger the push and the order was silently never placed.
  // So, as a shopper who looks at the order summary before paying, the address is
  // finished first, then the push that carries it is awaited, then the button.
  const addressSaved = page.waitForResponse(
    (response) =>
      response.request().method() === "POST" &&
      response.url().includes("/wc/store/v1/batch") &&
      (response.request().postData() ?? "").includes(`"postcode":"${SHOPPER_ADDRESS.postcode}"`),
  );
  await page.getByLabel("Email address").fill(BROWSER_SHOPPER.email);
  await page.getByLabel("First name").fill(BROWSER_SHOPPER.firstName);
  await page.getByLabel("Last name").fill("Shopper");
  await page.getByLabel("Address", { exact: true }).fill(SHOPPER_ADDRESS.street);
  await page.getByLabel("City").fill(SHOPPER_ADDRESS.city);
  await page.getByLabel("ZIP Code").fill(SHOPPER_ADDRESS.postcode);
  // Leave the address form (the blocks validate a field, and push the form, on blur).
  await page.getByRole("heading", { name: "Payment options" }).click();
  // The block checkout styles its radio inputs hidden; a shopper clicks the method's name.
  const cod = page.getByLabel("Cash on delivery");
  await cod.waitFor({ state: "attached" });
  if (!(await cod.isChecked())) await page.getByText("Cash on delivery", { exact: true }).click();
  const saved = await addressSaved;
  if (saved.status() !== 207 && saved.status() !== 200) {
    throw new Error(
      `the checkout's address update answered ${saved.status()}: ${await saved.text()}`,
    );
  }
  // The push's answer is applied to the cart (shipping rates, totals) before
  // the checkout leaves its calculating state; the data stores say when.
  await page.waitForFunction(() => {
    const data = (window as unknown as { wp?: { data?: WpData } }).wp?.data;
    return (
      data !== undefined &&
      !data.select("wc/store/checkout").isCalculating() &&
      !data.select("wc/store/cart").isCustomerDataUpdating()
    );
  });
  await shot("4-checkout");
  const checkoutPosted = page.waitForRequest(
    (request) => request.method() === "POST" && request.url().includes("/wc/store/v1/checkout"),
  );
  await page.getByRole("button", { name: "Place Order" }).click();
  await checkoutPosted.catch((error) => {
    throw new Error(`"Place Order" sent no POST /wc/store/v1/checkout: ${error}`);
  });

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
