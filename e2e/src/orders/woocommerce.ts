/**
 * WooCommerce order client for the end-to-end suites (global fetch and
 * node:crypto only). The flow is the one in shared/ENGINES.md.
 *
 * Stable exports (imported by e2e/src/run.ts and e2e/test/*):
 * - `placeWooOrder({ baseUrl, productId?, email?, address? })` → places one
 *   Cash-on-delivery order through the Store API with a `Cart-Token` (no nonce,
 *   no cookies): GET /wc/store/v1/cart → POST cart/add-item → POST checkout.
 *   Without `productId` it buys the first purchasable, in-stock product.
 *   Returns `{ orderId, orderKey, status, timings }`. A rejected request throws
 *   a `WooApiError` carrying WooCommerce's code and its per-field messages.
 * - `confirmWooOrder({ baseUrl, orderId, auth })` → the order as
 *   `GET /wp-json/wc/v3/orders?include=<id>` returns it, or throws.
 * - `listWooOrders({ baseUrl, auth })` → recent orders (wc/v3).
 * - `wooRestUrl(baseUrl, route, query?)` → the URL of a REST route.
 *
 * What the e2e suite must pass as `auth` (one of):
 * - `{ kind: "consumer-key", consumerKey: "ck_…", consumerSecret: "cs_…" }` —
 *   the default. The WooCommerce setup script creates this read-only key when
 *   the Job has WC_API_CONSUMER_KEY / WC_API_CONSUMER_SECRET (the controller
 *   generates them into the store Secret). Over https it is sent as HTTP Basic
 *   auth; over plain http (http://<name>.localhost) WooCommerce accepts it only
 *   OAuth 1.0a-signed, which this client does (HMAC-SHA256, one-legged).
 *   `baseUrl` must then be the store's WordPress home URL (STORE_URL) exactly,
 *   because WooCommerce signs against its own home URL.
 * - `{ kind: "application-password", username, applicationPassword }` — WP core
 *   Basic auth; WordPress offers application passwords only over https (or with
 *   WP_ENVIRONMENT_TYPE=local).
 *
 * Only `/wp-json/…` URLs (pretty permalinks, which the setup script always
 * sets): measured against WooCommerce 10.2, the Store API uses the Cart-Token
 * session only when the request path contains `wp-json/wc/store/`
 * (WooCommerce::is_store_api_request), and consumer-key auth runs only under
 * `wp-json/wc/` — with `?rest_route=` the checkout answered
 * `409 woocommerce_rest_cart_empty` and the orders list `401`.
 */
import { createHmac, randomBytes } from "node:crypto";

export type WooAdminAuth =
  | { kind: "consumer-key"; consumerKey: string; consumerSecret: string }
  | { kind: "application-password"; username: string; applicationPassword: string };

export interface WooAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  phone: string;
}

/** The shopper's address unless a caller overrides fields of it. */
export const DEFAULT_WOO_ADDRESS: WooAddress = {
  first_name: "Test",
  last_name: "Shopper",
  company: "",
  address_1: "1 Harbour Street",
  address_2: "",
  city: "San Francisco",
  state: "CA",
  postcode: "94103",
  country: "US",
  phone: "+14155550100",
};

export interface WooOrderInput {
  baseUrl: string;
  productId?: number;
  email?: string;
  /** Fields replacing the default address (billing and shipping alike). */
  address?: Partial<WooAddress>;
  fetchImpl?: typeof fetch;
}

export interface PlacedWooOrder {
  orderId: number;
  orderKey: string;
  status: string;
  productId: number;
  email: string;
  /** Milliseconds per step, for the timing report. */
  timings: Record<string, number>;
}

export interface WooAdminInput {
  baseUrl: string;
  auth: WooAdminAuth;
  fetchImpl?: typeof fetch;
}

export interface WooAdminOrder {
  id: number;
  status: string;
  total: string;
  currency: string;
  payment_method: string;
  billing: { email: string; first_name?: string; last_name?: string };
  line_items?: Array<{ product_id: number; quantity: number; name: string }>;
}

export class WooApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    /** WooCommerce's message per rejected field, e.g. `{ billing_address: "The provided postcode / ZIP is not valid" }`. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "WooApiError";
  }
}

/**
 * WordPress REST errors name the rejected fields in two shapes: argument
 * validation (`rest_invalid_param`) in `data.params`, and WooCommerce's address
 * checks (`woocommerce_rest_invalid_address`) in `data.errors` as lists.
 */
interface WpRestError {
  code?: string;
  message?: string;
  data?: { params?: Record<string, string>; errors?: Record<string, string[]> };
}

function fieldErrors(error: WpRestError): Record<string, string> {
  const fields: Record<string, string> = { ...error.data?.params };
  for (const [field, messages] of Object.entries(error.data?.errors ?? {})) {
    if (Array.isArray(messages)) fields[field] = messages.join("; ");
  }
  return fields;
}

export function wooRestUrl(
  baseUrl: string,
  route: string,
  query: Record<string, string> = {},
): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/wp-json${route}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url;
}

async function send<T>(
  fetchImpl: typeof fetch,
  url: URL,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ data: T; headers: Headers }> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const method = init.method ?? "GET";
  const res = await fetchImpl(url, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new WooApiError(
      `${method} ${url.pathname}${url.search} → ${res.status}: not JSON: ${text.slice(0, 160)}`,
      res.status,
      undefined,
    );
  }
  if (!res.ok) {
    const err = data as WpRestError;
    const fields = fieldErrors(err);
    const detail = Object.entries(fields)
      .map(([field, message]) => `${field}: ${message}`)
      .join("; ");
    throw new WooApiError(
      `${method} ${url.pathname} → ${res.status}: ${err.code ?? ""} ${err.message ?? res.statusText}${detail ? ` (${detail})` : ""}`.trim(),
      res.status,
      err.code,
      fields,
    );
  }
  return { data: data as T, headers: res.headers };
}

interface StoreProduct {
  id: number;
  name: string;
  is_purchasable: boolean;
  is_in_stock: boolean;
  type: string;
}

/** Places one Cash-on-delivery order through the Store API (Cart-Token flow). */
export async function placeWooOrder(input: WooOrderInput): Promise<PlacedWooOrder> {
  const fetchImpl = input.fetchImpl ?? fetch;
  const url = (route: string, query?: Record<string, string>) =>
    wooRestUrl(input.baseUrl, route, query);
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - mark);
    mark = now;
  };

  const { headers } = await send(fetchImpl, url("/wc/store/v1/cart"));
  const cartToken = headers.get("cart-token");
  if (!cartToken) throw new Error("GET /wc/store/v1/cart returned no Cart-Token header");
  const withToken = { "cart-token": cartToken };
  lap("cart");

  let productId = input.productId;
  if (productId === undefined) {
    const { data: products } = await send<StoreProduct[]>(
      fetchImpl,
      url("/wc/store/v1/products", { per_page: "20" }),
    );
    const product = products.find((p) => p.is_purchasable && p.is_in_stock && p.type === "simple");
    if (!product) throw new Error("no purchasable, in-stock simple product in the store");
    productId = product.id;
  }
  lap("products");

  await send(fetchImpl, url("/wc/store/v1/cart/add-item"), {
    method: "POST",
    headers: withToken,
    body: { id: productId, quantity: 1 },
  });
  lap("add-item");

  const email = input.email ?? `shopper+${Date.now()}@example.com`;
  const address: WooAddress = { ...DEFAULT_WOO_ADDRESS, ...input.address };
  const { data: order } = await send<{
    order_id: number;
    order_key: string;
    status: string;
    payment_result?: { payment_status?: string };
  }>(fetchImpl, url("/wc/store/v1/checkout"), {
    method: "POST",
    headers: withToken,
    body: {
      billing_address: { ...address, email },
      shipping_address: address,
      payment_method: "cod",
      payment_data: [],
      customer_note: "storeplane e2e order",
    },
  });
  lap("checkout");
  if (!order.order_id) throw new Error("checkout returned no order_id");
  if (order.payment_result?.payment_status && order.payment_result.payment_status !== "success") {
    throw new Error(
      `checkout payment ${order.payment_result.payment_status} for order ${order.order_id}`,
    );
  }
  return {
    orderId: order.order_id,
    orderKey: order.order_key,
    status: order.status,
    productId,
    email,
    timings,
  };
}

/** RFC 3986 encoding as PHP's rawurlencode (what WooCommerce signs with). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * One-legged OAuth 1.0a as WooCommerce verifies it over plain http: the
 * signature base is METHOD & enc(url without query) & enc(sorted k=v pairs),
 * keyed with `consumer_secret&`.
 */
export function signWooOAuth(
  method: string,
  url: URL,
  consumerKey: string,
  consumerSecret: string,
  now: { timestamp?: number; nonce?: string } = {},
): URL {
  const signed = new URL(url);
  signed.searchParams.set("oauth_consumer_key", consumerKey);
  signed.searchParams.set("oauth_nonce", now.nonce ?? randomBytes(16).toString("hex"));
  signed.searchParams.set("oauth_signature_method", "HMAC-SHA256");
  signed.searchParams.set(
    "oauth_timestamp",
    String(now.timestamp ?? Math.floor(Date.now() / 1000)),
  );
  const params = [...signed.searchParams.entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const query = params.map(([k, v]) => rfc3986(`${rfc3986(k)}=${rfc3986(v)}`)).join("%26");
  const base = `${signed.origin}${signed.pathname}`;
  const toSign = `${method.toUpperCase()}&${rfc3986(base)}&${query}`;
  const signature = createHmac("sha256", `${consumerSecret}&`).update(toSign).digest("base64");
  signed.searchParams.set("oauth_signature", signature);
  return signed;
}

function authorize(url: URL, auth: WooAdminAuth): { url: URL; headers: Record<string, string> } {
  if (auth.kind === "application-password") {
    const token = Buffer.from(`${auth.username}:${auth.applicationPassword}`).toString("base64");
    return { url, headers: { authorization: `Basic ${token}` } };
  }
  if (url.protocol === "https:") {
    const token = Buffer.from(`${auth.consumerKey}:${auth.consumerSecret}`).toString("base64");
    return { url, headers: { authorization: `Basic ${token}` } };
  }
  return { url: signWooOAuth("GET", url, auth.consumerKey, auth.consumerSecret), headers: {} };
}

/** Recent orders as the admin REST API (wc/v3) lists them. */
export async function listWooOrders(
  input: WooAdminInput & { include?: number[] },
): Promise<WooAdminOrder[]> {
  const query: Record<string, string> = { per_page: "50", orderby: "date", order: "desc" };
  if (input.include?.length) query.include = input.include.join(",");
  const target = authorize(wooRestUrl(input.baseUrl, "/wc/v3/orders", query), input.auth);
  const { data } = await send<WooAdminOrder[]>(input.fetchImpl ?? fetch, target.url, {
    headers: target.headers,
  });
  return data;
}

/** Confirms through the admin REST API that the order exists; returns it. */
export async function confirmWooOrder(
  input: WooAdminInput & { orderId: number },
): Promise<WooAdminOrder> {
  const orders = await listWooOrders({ ...input, include: [input.orderId] });
  const order = orders.find((o) => o.id === input.orderId);
  if (!order) {
    throw new Error(
      `order ${input.orderId} not in GET /wc/v3/orders (saw ${orders.length} orders)`,
    );
  }
  return order;
}
