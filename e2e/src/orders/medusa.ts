/**
 * Medusa v2 order client for the end-to-end suites (global fetch, no deps).
 * The flow is the one in shared/ENGINES.md; every Store API call sends
 * `x-publishable-api-key`.
 *
 * Stable exports (imported by e2e/src/run.ts and e2e/test/*):
 * - `discoverMedusaPublishableKey({ baseUrl })` → the key the storefront page
 *   at `/` carries (the storeplane Medusa image injects it at run time), or
 *   throws if the page has none.
 * - `placeMedusaOrder({ baseUrl, publishableKey?, email?, countryCode? })` →
 *   `{ orderId, displayId, email, total, currencyCode, timings }`; without a
 *   key it calls `discoverMedusaPublishableKey` first.
 * - `medusaAdminToken({ baseUrl, adminEmail, adminPassword })` → bearer token.
 * - `confirmMedusaOrder({ baseUrl, adminEmail, adminPassword, orderId })` →
 *   the order as the Admin API lists it (`GET /admin/orders`), or throws.
 * - `listMedusaOrders({ baseUrl, adminEmail, adminPassword })` → all orders
 *   (id, display_id, email) seen by the Admin API.
 */

export interface MedusaOrderInput {
  baseUrl: string;
  publishableKey?: string;
  email?: string;
  /** ISO-2, lower case; must be a country of the store's first region. Default: first country. */
  countryCode?: string;
  fetchImpl?: typeof fetch;
}

export interface PlacedMedusaOrder {
  orderId: string;
  displayId: number;
  email: string;
  total: number;
  currencyCode: string;
  /** Milliseconds per step, for the timing report. */
  timings: Record<string, number>;
}

export interface MedusaAdminInput {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  fetchImpl?: typeof fetch;
}

export interface MedusaAdminOrder {
  id: string;
  display_id: number;
  email: string | null;
  status: string;
  total?: number;
  currency_code: string;
}

export class MedusaApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
  ) {
    super(message);
    this.name = "MedusaApiError";
  }
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

async function call<T>(
  fetchImpl: typeof fetch,
  baseUrl: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetchImpl(`${trimBase(baseUrl)}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { message: text.slice(0, 200) };
  }
  if (!res.ok) {
    const message = (data as { message?: string }).message ?? res.statusText;
    throw new MedusaApiError(
      `${init.method ?? "GET"} ${path} → ${res.status}: ${message}`,
      res.status,
      path,
    );
  }
  return data as T;
}

/** Reads the publishable key the storefront page at `/` was rendered with. */
export async function discoverMedusaPublishableKey(input: {
  baseUrl: string;
  fetchImpl?: typeof fetch;
}): Promise<string> {
  const fetchImpl = input.fetchImpl ?? fetch;
  const res = await fetchImpl(`${trimBase(input.baseUrl)}/`, {
    signal: AbortSignal.timeout(30_000),
  });
  const html = await res.text();
  const match = /<script id="shop-config" type="application\/json">([^<]*)<\/script>/.exec(html);
  const config = match?.[1] ? (JSON.parse(match[1]) as { publishableKey?: string | null }) : {};
  if (!config.publishableKey) {
    throw new Error(
      `no publishable key on the storefront page at ${input.baseUrl}/ (not seeded yet?)`,
    );
  }
  return config.publishableKey;
}

interface Region {
  id: string;
  currency_code: string;
  countries?: Array<{ iso_2: string }>;
}
interface Product {
  id: string;
  title: string;
  variants?: Array<{ id: string; calculated_price?: { calculated_amount: number | null } | null }>;
}
interface Cart {
  id: string;
}

/** Places one order through the Store API, exactly along ENGINES.md's flow. */
export async function placeMedusaOrder(input: MedusaOrderInput): Promise<PlacedMedusaOrder> {
  const fetchImpl = input.fetchImpl ?? fetch;
  const base = input.baseUrl;
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };

  const key =
    input.publishableKey ?? (await discoverMedusaPublishableKey({ baseUrl: base, fetchImpl }));
  const store = { "x-publishable-api-key": key };
  const email = input.email ?? `shopper+${Date.now()}@example.com`;

  const { regions } = await call<{ regions: Region[] }>(fetchImpl, base, "/store/regions", {
    headers: store,
  });
  const region = regions[0];
  if (!region) throw new Error("the store has no region");
  const countryCode = input.countryCode ?? region.countries?.[0]?.iso_2;
  if (!countryCode) throw new Error(`region ${region.id} has no country`);
  lap("regions");

  const { products } = await call<{ products: Product[] }>(
    fetchImpl,
    base,
    `/store/products?region_id=${region.id}&fields=${encodeURIComponent("*variants.calculated_price")}`,
    { headers: store },
  );
  const variant = products
    .flatMap((p) => p.variants ?? [])
    .find((v) => v.calculated_price?.calculated_amount != null);
  if (!variant) throw new Error("no product variant with a price in the region");
  lap("products");

  const { cart } = await call<{ cart: Cart }>(fetchImpl, base, "/store/carts", {
    method: "POST",
    headers: store,
    body: { region_id: region.id },
  });
  await call(fetchImpl, base, `/store/carts/${cart.id}/line-items`, {
    method: "POST",
    headers: store,
    body: { variant_id: variant.id, quantity: 1 },
  });
  const address = {
    first_name: "Test",
    last_name: "Shopper",
    address_1: "1 Harbour Street",
    city: "Copenhagen",
    postal_code: "1050",
    country_code: countryCode,
    phone: "+4512345678",
  };
  await call(fetchImpl, base, `/store/carts/${cart.id}`, {
    method: "POST",
    headers: store,
    body: { email, shipping_address: address, billing_address: address },
  });
  lap("cart");

  const { shipping_options } = await call<{ shipping_options: Array<{ id: string }> }>(
    fetchImpl,
    base,
    `/store/shipping-options?cart_id=${cart.id}`,
    { headers: store },
  );
  const option = shipping_options[0];
  if (!option) throw new Error(`no shipping option for cart ${cart.id} (${countryCode})`);
  await call(fetchImpl, base, `/store/carts/${cart.id}/shipping-methods`, {
    method: "POST",
    headers: store,
    body: { option_id: option.id },
  });
  lap("shipping");

  const { payment_collection } = await call<{ payment_collection: { id: string } }>(
    fetchImpl,
    base,
    "/store/payment-collections",
    { method: "POST", headers: store, body: { cart_id: cart.id } },
  );
  await call(
    fetchImpl,
    base,
    `/store/payment-collections/${payment_collection.id}/payment-sessions`,
    {
      method: "POST",
      headers: store,
      body: { provider_id: "pp_system_default" },
    },
  );
  lap("payment");

  const completed = await call<{
    type: "order" | "cart";
    order?: { id: string; display_id: number; email: string; total: number; currency_code: string };
    error?: { message?: string };
  }>(fetchImpl, base, `/store/carts/${cart.id}/complete`, {
    method: "POST",
    headers: store,
    body: {},
  });
  if (completed.type !== "order" || !completed.order) {
    throw new Error(`cart ${cart.id} did not complete: ${completed.error?.message ?? "unknown"}`);
  }
  lap("complete");

  return {
    orderId: completed.order.id,
    displayId: completed.order.display_id,
    email: completed.order.email,
    total: completed.order.total,
    currencyCode: completed.order.currency_code,
    timings,
  };
}

/** Logs in as an admin user (email/password provider) and returns a bearer token. */
export async function medusaAdminToken(input: MedusaAdminInput): Promise<string> {
  const { token } = await call<{ token: string }>(
    input.fetchImpl ?? fetch,
    input.baseUrl,
    "/auth/user/emailpass",
    { method: "POST", body: { email: input.adminEmail, password: input.adminPassword } },
  );
  if (!token) throw new Error("admin login returned no token");
  return token;
}

/** Every order the Admin API lists (newest first). */
export async function listMedusaOrders(
  input: MedusaAdminInput & { token?: string },
): Promise<MedusaAdminOrder[]> {
  const token = input.token ?? (await medusaAdminToken(input));
  const { orders } = await call<{ orders: MedusaAdminOrder[] }>(
    input.fetchImpl ?? fetch,
    input.baseUrl,
    `/admin/orders?limit=100&order=-created_at&fields=${encodeURIComponent("id,display_id,email,status,total,currency_code")}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  return orders;
}

/** Confirms through the Admin API that the order exists; returns it. */
export async function confirmMedusaOrder(
  input: MedusaAdminInput & { orderId: string },
): Promise<MedusaAdminOrder> {
  const orders = await listMedusaOrders(input);
  const order = orders.find((o) => o.id === input.orderId);
  if (!order) {
    throw new Error(
      `order ${input.orderId} not in GET /admin/orders (saw ${orders.map((o) => o.id).join(", ") || "none"})`,
    );
  }
  return order;
}
