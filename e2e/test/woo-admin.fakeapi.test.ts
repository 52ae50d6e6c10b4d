// Level: fake API server (a local HTTP server speaking WordPress's login, nonce
// and WooCommerce REST shapes). Checks the e2e suite's admin confirmation: a
// cookie login, a REST nonce, and the order read with both, over plain http.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmWooOrderAsAdmin } from "../src/woo-admin.ts";

const NONCE = "a1b2c3d4e5";
const seen: { path: string; cookie?: string; nonce?: string }[] = [];
let server: Server;
let baseUrl: string;

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push({
      path: url.pathname,
      cookie: req.headers.cookie,
      nonce: req.headers["x-wp-nonce"] as string | undefined,
    });
    if (url.pathname === "/wp-login.php" && req.method === "POST") {
      const form = new URLSearchParams(await body(req));
      const ok =
        form.get("log") === "admin" &&
        form.get("pwd") === "s3cret" &&
        req.headers.cookie?.includes("wordpress_test_cookie");
      if (!ok) return res.writeHead(200).end("<html>login form</html>");
      res.setHeader("set-cookie", [
        "wordpress_abc=auth; path=/wp-admin; HttpOnly",
        "wordpress_logged_in_abc=admin%7Cxyz; path=/; HttpOnly",
      ]);
      return res.writeHead(302, { location: "/wp-admin/" }).end();
    }
    const loggedIn = req.headers.cookie?.includes("wordpress_logged_in_abc=admin%7Cxyz");
    if (
      url.pathname === "/wp-admin/admin-ajax.php" &&
      url.searchParams.get("action") === "rest-nonce"
    ) {
      return loggedIn ? res.writeHead(200).end(NONCE) : res.writeHead(400).end("0");
    }
    if (url.pathname === "/wp-json/wc/v3/orders") {
      if (!loggedIn || req.headers["x-wp-nonce"] !== NONCE)
        return res.writeHead(401).end('{"code":"woocommerce_rest_cannot_view"}');
      const id = Number(url.searchParams.get("include"));
      const orders =
        id === 42
          ? [
              {
                id: 42,
                status: "processing",
                total: "25.00",
                currency: "USD",
                payment_method: "cod",
                billing: { email: "s@example.com" },
              },
            ]
          : [];
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(orders));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("confirming a WooCommerce order as the store admin", () => {
  it("logs in with the admin's password, gets a REST nonce, and reads the order with both", async () => {
    const order = await confirmWooOrderAsAdmin(
      { baseUrl, username: "admin", password: "s3cret" },
      42,
    );
    expect(order).toMatchObject({ id: 42, payment_method: "cod" });
    const read = seen.find((s) => s.path === "/wp-json/wc/v3/orders");
    expect(read?.nonce).toBe(NONCE);
    expect(read?.cookie).toContain("wordpress_logged_in_abc=");
  });

  it("fails clearly on a wrong password", async () => {
    await expect(
      confirmWooOrderAsAdmin({ baseUrl, username: "admin", password: "nope" }, 42),
    ).rejects.toThrow(/WordPress admin login failed for admin/);
  });

  it("fails clearly when the order is not there", async () => {
    await expect(
      confirmWooOrderAsAdmin({ baseUrl, username: "admin", password: "s3cret" }, 7),
    ).rejects.toThrow(/order 7 not in GET \/wc\/v3\/orders/);
  });
});
