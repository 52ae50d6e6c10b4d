// Level: fake API server. The real WooCommerce order client (global fetch)
// against a small local FAKE HTTP server that speaks the WooCommerce Store API
// (Cart-Token flow) and the wc/v3 orders route with WooCommerce's own auth
// rules: over plain http a consumer key only counts OAuth 1.0a-signed (the
// verifier below follows WC_REST_Authentication::check_oauth_signature), Basic
// is for application passwords. Not WooCommerce: the real store is exercised by
// the kind e2e suite (e2e/src/run.ts).
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  confirmWooOrder,
  listWooOrders,
  placeWooOrder,
  type WooAdminAuth,
  WooApiError,
} from "../src/orders/woocommerce.ts";

const CONSUMER_KEY = `ck_${randomBytes(20).toString("hex")}`;
const CONSUMER_SECRET = `cs_${randomBytes(20).toString("hex")}`;
const APP_USER = "shopadmin";
const APP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678";

interface FakeOrder {
  id: number;
  status: string;
  total: string;
  currency: string;
  payment_method: string;
  billing: Record<string, string>;
  line_items: Array<{ product_id: number; quantity: number; name: string }>;
}

const PRODUCTS = [
  {
    id: 14,
    name: "Sold-out Scarf",
    type: "simple",
    is_purchasable: true,
    is_in_stock: false,
    price: "1500",
  },
  {
    id: 15,
    name: "Storeplane Sample Hoodie",
    type: "simple",
    is_purchasable: true,
    is_in_stock: true,
    price: "2500",
  },
];

// PHP's rawurlencode.
function rawurlencode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

class FakeWoo {
  server: Server;
  home = "";
  carts = new Map<string, Array<{ id: number; quantity: number }>>();
  orders: FakeOrder[] = [];
  nonces = new Set<string>();
  requests: string[] = [];

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.json(res, 500, { code: "fake_error", message: String(error) });
      });
    });
  }

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.home = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
    res.end(JSON.stringify(body));
  }

  cartBody(token: string) {
    const items = this.carts.get(token) ?? [];
    return {
      items: items.map((i) => ({ key: `k${i.id}`, id: i.id, quantity: i.quantity })),
      items_count: items.reduce((n, i) => n + i.quantity, 0),
      needs_payment: items.length > 0,
      needs_shipping: items.length > 0,
      payment_methods: ["cod"],
      totals: {
        currency_code: "USD",
        currency_minor_unit: 2,
        total_price: String(items.length * 2500),
      },
    };
  }

  // WC_REST_Authentication::check_oauth_signature, in TypeScript.
  checkOAuth(method: string, url: URL): string | null {
    const params = Object.fromEntries(url.searchParams.entries());
    for (const p of [
      "oauth_consumer_key",
      "oauth_timestamp",
      "oauth_nonce",
      "oauth_signature",
      "oauth_signature_method",
    ]) {
      if (!params[p]) return `missing ${p}`;
    }
    if (
      createHash("sha256")
        .update(params.oauth_consumer_key ?? "")
        .digest("hex") !== createHash("sha256").update(CONSUMER_KEY).digest("hex")
    ) {
      return "consumer key is invalid";
    }
    const consumerSignature = decodeURIComponent((params.oauth_signature ?? "").replace(/ /g, "+"));
    delete params.oauth_signature;
    const keys = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const joined = keys.map((k) =>
      rawurlencode(`${rawurlencode(k)}=${rawurlencode(params[k] ?? "")}`),
    );
    const baseRequestUri = rawurlencode(`${this.home}${url.pathname}`);
    const stringToSign = `${method}&${baseRequestUri}&${joined.join("%26")}`;
    if (
      params.oauth_signature_method !== "HMAC-SHA256" &&
      params.oauth_signature_method !== "HMAC-SHA1"
    ) {
      return "invalid signature method";
    }
    const algorithm = params.oauth_signature_method === "HMAC-SHA256" ? "sha256" : "sha1";
    const signature = createHmac(algorithm, `${CONSUMER_SECRET}&`)
      .update(stringToSign)
      .digest("base64");
    if (signature !== consumerSignature)
      return "invalid signature - provided signature does not match";
    const age = Math.abs(Date.now() / 1000 - Number(params.oauth_timestamp));
    if (!(age < 15 * 60)) return "invalid timestamp";
    const nonce = `${params.oauth_timestamp}:${params.oauth_nonce}`;
    if (this.nonces.has(nonce)) return "invalid nonce - nonce has already been used";
    this.nonces.add(nonce);
    return null;
  }

  async body(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.home);
    const method = req.method ?? "GET";
    const route = url.pathname.startsWith("/wp-json/")
      ? url.pathname.slice("/wp-json".length)
      : url.pathname === "/" && url.searchParams.get("rest_route")
        ? (url.searchParams.get("rest_route") as string)
        : null;
    this.requests.push(`${method} ${route ?? url.pathname}`);
    if (!route) return this.json(res, 404, { code: "rest_no_route", message: "No route" });
    const token = req.headers["cart-token"];

    if (route === "/wc/store/v1/cart" && method === "GET") {
      const issued =
        typeof token === "string" && this.carts.has(token)
          ? token
          : `eyJ${randomBytes(12).toString("hex")}`;
      if (!this.carts.has(issued)) this.carts.set(issued, []);
      return this.json(res, 200, this.cartBody(issued), { "Cart-Token": issued, Nonce: "n0nce" });
    }
    if (route === "/wc/store/v1/products" && method === "GET") {
      return this.json(
        res,
        200,
        PRODUCTS.map((p) => ({
          id: p.id,
          name: p.name,
          type: p.type,
          is_purchasable: p.is_purchasable,
          is_in_stock: p.is_in_stock,
          prices: { price: p.price, currency_code: "USD", currency_minor_unit: 2 },
        })),
      );
    }
    if (route.startsWith("/wc/store/v1/") && method === "POST") {
      if (typeof token !== "string" || !this.carts.has(token)) {
        return this.json(res, 401, {
          code: "woocommerce_rest_missing_nonce",
          message: "Missing the Nonce header. This endpoint requires a valid nonce.",
          data: { status: 401 },
        });
      }
      const body = await this.body(req);
      const items = this.carts.get(token) ?? [];
      if (route === "/wc/store/v1/cart/add-item") {
        const product = PRODUCTS.find((p) => p.id === body.id);
        if (!product)
          return this.json(res, 400, {
            code: "woocommerce_rest_cart_invalid_product",
            message: "This product cannot be added to the cart.",
          });
        if (!product.is_in_stock)
          return this.json(res, 400, {
            code: "woocommerce_rest_product_out_of_stock",
            message: "out of stock",
          });
        items.push({ id: product.id, quantity: Number(body.quantity ?? 1) });
        return this.json(res, 201, this.cartBody(token));
      }
      if (route === "/wc/store/v1/checkout") {
        if (items.length === 0)
          return this.json(res, 400, {
            code: "woocommerce_rest_cart_empty",
            message: "Cannot create order from empty cart.",
          });
        const billing = (body.billing_address ?? {}) as Record<string, string>;
        for (const field of [
          "first_name",
          "last_name",
          "address_1",
          "city",
          "postcode",
          "country",
          "email",
        ]) {
          if (!billing[field])
            return this.json(res, 400, {
              code: "rest_invalid_param",
              message: `Invalid parameter(s): billing_address (${field})`,
            });
        }
        if (!body.shipping_address)
          return this.json(res, 400, {
            code: "rest_missing_callback_param",
            message: "Missing parameter(s): shipping_address",
          });
        if (body.payment_method !== "cod")
          return this.json(res, 400, {
            code: "woocommerce_rest_checkout_invalid_payment_method",
            message: "The selected payment method is not available.",
          });
        const id = 100 + this.orders.length;
        const key = `wc_order_${randomBytes(6).toString("hex")}`;
        this.orders.push({
          id,
          status: "processing",
          total: "25.00",
          currency: "USD",
          payment_method: "cod",
          billing,
          line_items: items.map((i) => ({
            product_id: i.id,
            quantity: i.quantity,
            name: PRODUCTS.find((p) => p.id === i.id)?.name ?? "",
          })),
        });
        this.carts.set(token, []);
        return this.json(res, 200, {
          order_id: id,
          status: "processing",
          order_key: key,
          customer_note: body.customer_note ?? "",
          customer_id: 0,
          billing_address: billing,
          shipping_address: body.shipping_address,
          payment_method: "cod",
          payment_result: {
            payment_status: "success",
            payment_details: [],
            redirect_url: `${this.home}/checkout/order-received/${id}/?key=${key}`,
          },
        });
      }
    }
    if (route === "/wc/v3/orders" && method === "GET") {
      const authz = req.headers.authorization;
      let authError: string | null;
      if (authz?.startsWith("Basic ")) {
        // Over http WooCommerce ignores Basic consumer keys; WP core accepts
        // application passwords (as on a WP_ENVIRONMENT_TYPE=local site).
        const [user, pass] = Buffer.from(authz.slice(6), "base64").toString().split(/:(.*)/s);
        authError = user === APP_USER && pass === APP_PASSWORD ? null : "basic auth rejected";
      } else {
        authError = this.checkOAuth(method, url);
      }
      if (authError) {
        return this.json(res, 401, {
          code: "woocommerce_rest_cannot_view",
          message: `Sorry, you cannot list resources. (${authError})`,
          data: { status: 401 },
        });
      }
      const include = url.searchParams.get("include")?.split(",").map(Number);
      const list = include ? this.orders.filter((o) => include.includes(o.id)) : this.orders;
      return this.json(res, 200, [...list].reverse());
    }
    return this.json(res, 404, {
      code: "rest_no_route",
      message: "No route was found matching the URL and request method.",
    });
  }
}

describe("WooCommerce order client — against a FAKE Store API / wc/v3 server", () => {
  const fake = new FakeWoo();
  const consumerKey: WooAdminAuth = {
    kind: "consumer-key",
    consumerKey: CONSUMER_KEY,
    consumerSecret: CONSUMER_SECRET,
  };

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it("places a COD order with the Cart-Token flow and confirms it with an OAuth-signed consumer key over http", async () => {
    const placed = await placeWooOrder({ baseUrl: fake.home, email: "buyer@example.com" });
    expect(placed.orderId).toBeGreaterThanOrEqual(100);
    expect(placed.status).toBe("processing");
    expect(placed.productId).toBe(15); // the in-stock one, not the sold-out scarf
    expect(fake.requests.slice(-4)).toEqual([
      "GET /wc/store/v1/cart",
      "GET /wc/store/v1/products",
      "POST /wc/store/v1/cart/add-item",
      "POST /wc/store/v1/checkout",
    ]);

    const order = await confirmWooOrder({
      baseUrl: fake.home,
      auth: consumerKey,
      orderId: placed.orderId,
    });
    expect(order.id).toBe(placed.orderId);
    expect(order.payment_method).toBe("cod");
    expect(order.billing.email).toBe("buyer@example.com");
    expect(order.line_items?.[0]?.product_id).toBe(15);
  });

  it("works without pretty permalinks (?rest_route=)", async () => {
    const placed = await placeWooOrder({
      baseUrl: `${fake.home}/`,
      productId: 15,
      permalinks: "plain",
    });
    const order = await confirmWooOrder({
      baseUrl: fake.home,
      auth: consumerKey,
      orderId: placed.orderId,
      permalinks: "plain",
    });
    expect(order.id).toBe(placed.orderId);
  });

  it("confirms with an application password (Basic auth)", async () => {
    const placed = await placeWooOrder({ baseUrl: fake.home });
    const orders = await listWooOrders({
      baseUrl: fake.home,
      auth: { kind: "application-password", username: APP_USER, applicationPassword: APP_PASSWORD },
    });
    expect(orders.map((o) => o.id)).toContain(placed.orderId);
  });

  it("surfaces the API's error for a wrong consumer secret", async () => {
    const error = await listWooOrders({
      baseUrl: fake.home,
      auth: { kind: "consumer-key", consumerKey: CONSUMER_KEY, consumerSecret: "cs_wrong" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WooApiError);
    expect((error as WooApiError).status).toBe(401);
    expect((error as WooApiError).code).toBe("woocommerce_rest_cannot_view");
  });

  it("fails clearly when the product cannot be bought", async () => {
    await expect(placeWooOrder({ baseUrl: fake.home, productId: 14 })).rejects.toThrow(
      /add-item → 400: woocommerce_rest_product_out_of_stock/,
    );
  });

  it("fails clearly when the store hands out no Cart-Token", async () => {
    const noToken: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.delete("cart-token");
      return new Response(await res.text(), { status: res.status, headers });
    };
    await expect(placeWooOrder({ baseUrl: fake.home, fetchImpl: noToken })).rejects.toThrow(
      /no Cart-Token/,
    );
  });
});
