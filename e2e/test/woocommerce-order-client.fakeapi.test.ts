// Level: fake API server. The real WooCommerce order client (global fetch)
// against a small local FAKE server, only for what the real-engine suite
// (woocommerce.engine.test.ts, real WooCommerce 10.2.2) cannot make a real
// store do on demand: a sold-out product, a store that hands out no
// Cart-Token, a PHP fatal error page instead of JSON, a failed payment result,
// and application-password auth (WordPress offers it only over https). The
// happy path, OAuth-signed consumer keys, a wrong secret and WooCommerce's
// field errors are proven against the real store there. Each answer below
// copies the shape the real store gives (codes and messages from
// WooCommerce 10.2.2's StoreApi, e.g. CartController::add_to_cart).
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listWooOrders, placeWooOrder, WooApiError } from "../src/orders/woocommerce.ts";

const APP_USER = "shopadmin";
const APP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678";
const SOLD_OUT = 14;
const HOODIE = 15;
const FAILING_PAYMENT = 16;

class FakeWoo {
  server: Server;
  home = "";
  carts = new Map<string, number[]>();
  requests: string[] = [];
  /** Answer the next request with a PHP fatal error page (HTTP 500, HTML), as WordPress does. */
  fatalNext = false;

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

  async body(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.home);
    const method = req.method ?? "GET";
    const route = url.pathname.replace(/^\/wp-json/, "");
    this.requests.push(`${method} ${route}`);
    if (this.fatalNext) {
      this.fatalNext = false;
      res.writeHead(500, { "content-type": "text/html; charset=UTF-8" });
      return res.end("<p>There has been a critical error on this website.</p>");
    }
    const token = req.headers["cart-token"];
    if (route === "/wc/store/v1/cart" && method === "GET") {
      const issued = `eyJ${randomBytes(12).toString("hex")}`;
      this.carts.set(issued, []);
      return this.json(res, 200, { items: [] }, { "Cart-Token": issued });
    }
    if (route === "/wc/store/v1/products" && method === "GET") {
      return this.json(res, 200, [
        {
          id: SOLD_OUT,
          name: "Sold-out Scarf",
          type: "simple",
          is_purchasable: true,
          is_in_stock: false,
        },
        {
          id: HOODIE,
          name: "Storeplane Sample Hoodie",
          type: "simple",
          is_purchasable: true,
          is_in_stock: true,
        },
      ]);
    }
    if (route.startsWith("/wc/store/v1/") && method === "POST") {
      const items = typeof token === "string" ? this.carts.get(token) : undefined;
      if (!items) {
        // AbstractCartRoute::check_nonce: no Cart-Token means a nonce is required.
        return this.json(res, 401, {
          code: "woocommerce_rest_missing_nonce",
          message: "Missing the Nonce header. This endpoint requires a valid nonce.",
          data: { status: 401 },
        });
      }
      const body = await this.body(req);
      if (route === "/wc/store/v1/cart/add-item") {
        if (body.id === SOLD_OUT)
          return this.json(res, 400, {
            code: "woocommerce_rest_product_out_of_stock",
            message:
              "You cannot add &quot;Sold-out Scarf&quot; to the cart because the product is out of stock.",
            data: { status: 400 },
          });
        items.push(Number(body.id));
        return this.json(res, 201, { items: items.map((id) => ({ id, quantity: 1 })) });
      }
      if (route === "/wc/store/v1/checkout") {
        const failed = items.includes(FAILING_PAYMENT);
        return this.json(res, 200, {
          order_id: 101,
          status: failed ? "failed" : "processing",
          order_key: "wc_order_abc",
          payment_result: { payment_status: failed ? "failure" : "success", payment_details: [] },
        });
      }
    }
    if (route === "/wc/v3/orders" && method === "GET") {
      const authz = req.headers.authorization ?? "";
      const [user, pass] = Buffer.from(authz.replace(/^Basic /, ""), "base64")
        .toString()
        .split(/:(.*)/s);
      if (!authz.startsWith("Basic ") || user !== APP_USER || pass !== APP_PASSWORD) {
        // WP core's application-password check (wp_authenticate_application_password).
        return this.json(res, 401, {
          code: "incorrect_password",
          message: "The provided password is an invalid application password.",
          data: { status: 401 },
        });
      }
      return this.json(res, 200, [
        { id: 101, status: "processing", billing: { email: "a@example.com" } },
      ]);
    }
    return this.json(res, 404, {
      code: "rest_no_route",
      message: "No route was found matching the URL and request method.",
      data: { status: 404 },
    });
  }
}

describe("WooCommerce order client — failure injection against a FAKE Store API / wc/v3 server", () => {
  const fake = new FakeWoo();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it("buys the first in-stock product when none is named", async () => {
    const placed = await placeWooOrder({ baseUrl: fake.home });
    expect(placed.productId).toBe(HOODIE);
    expect(fake.requests.slice(-4)).toEqual([
      "GET /wc/store/v1/cart",
      "GET /wc/store/v1/products",
      "POST /wc/store/v1/cart/add-item",
      "POST /wc/store/v1/checkout",
    ]);
  });

  it("fails clearly when the product cannot be bought", async () => {
    await expect(placeWooOrder({ baseUrl: fake.home, productId: SOLD_OUT })).rejects.toThrow(
      /add-item → 400: woocommerce_rest_product_out_of_stock You cannot add/,
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

  it("reports a PHP error page as not JSON, with the start of the page", async () => {
    fake.fatalNext = true;
    const error = await placeWooOrder({ baseUrl: fake.home }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WooApiError);
    expect((error as WooApiError).status).toBe(500);
    expect((error as Error).message).toMatch(
      /GET \/wp-json\/wc\/store\/v1\/cart → 500: not JSON: <p>There has been a critical error/,
    );
  });

  it("refuses a checkout whose payment did not succeed", async () => {
    await expect(placeWooOrder({ baseUrl: fake.home, productId: FAILING_PAYMENT })).rejects.toThrow(
      /checkout payment failure for order 101/,
    );
  });

  it("confirms with an application password (Basic auth) and surfaces a wrong one", async () => {
    const auth = {
      kind: "application-password" as const,
      username: APP_USER,
      applicationPassword: APP_PASSWORD,
    };
    expect((await listWooOrders({ baseUrl: fake.home, auth })).map((o) => o.id)).toEqual([101]);
    const error = await listWooOrders({
      baseUrl: fake.home,
      auth: { ...auth, applicationPassword: "wrong" },
    }).catch((e: unknown) => e);
    expect((error as WooApiError).code).toBe("incorrect_password");
    expect((error as WooApiError).status).toBe(401);
  });
});
