// Server-rendered shell of every storefront page: landmarks, navigation and the
// run-time configuration (publishable key, page kind) for the small client
// script that fills in the content from the Store API.
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http";
import { resolvePublishableKey } from "./publishable-key";

export type PageKind = "home" | "product" | "cart" | "checkout" | "order";

const TITLES: Record<PageKind, string> = {
  home: "Shop",
  product: "Product",
  cart: "Your cart",
  checkout: "Checkout",
  order: "Order confirmed",
};

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// JSON inside <script>: escape "<" so no value can close the tag.
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function shopName(): string {
  return process.env.STORE_TITLE || process.env.STORE_NAME || "Storeplane Shop";
}

export function renderPage(kind: PageKind, publishableKey: string | undefined, param?: string) {
  const name = escapeHtml(shopName());
  const config = { page: kind, param: param ?? null, publishableKey: publishableKey ?? null };
  const notReady = publishableKey
    ? ""
    : `<p class="notice" role="alert">This shop is still being set up (no publishable key yet). Please reload in a minute.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(TITLES[kind])} · ${name}</title>
<link rel="stylesheet" href="/shop-assets/shop.css">
<script id="shop-config" type="application/json">${scriptJson(config)}</script>
<script src="/shop-assets/shop.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap header-row">
    <a class="brand" href="/">${name}</a>
    <nav aria-label="Main">
      <a href="/">Shop</a>
      <a href="/cart" class="cart-link">Cart <span class="cart-count" data-cart-count aria-label="items in cart">0</span></a>
    </nav>
  </div>
</header>
<main id="main" class="wrap" tabindex="-1">
  ${notReady}
  <div id="app" aria-busy="true"><p class="loading">Loading…</p></div>
  <noscript><p class="notice">This shop needs JavaScript to show products and take orders.</p></noscript>
</main>
<footer class="site-footer"><div class="wrap">${name} · Powered by Medusa · Run by storeplane</div></footer>
</body>
</html>`;
}

export async function sendPage(
  req: MedusaRequest,
  res: MedusaResponse,
  kind: PageKind,
  param?: string,
) {
  const key = await resolvePublishableKey(req.scope);
  res.setHeader("content-type", "text/html; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.setHeader("x-content-type-options", "nosniff");
  res.status(200).send(renderPage(kind, key, param));
}
