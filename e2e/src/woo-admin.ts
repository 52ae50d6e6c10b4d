// Confirms a WooCommerce order as the store admin with nothing but the admin
// login the platform hands out (client.stores.credentials): a WordPress login
// session (cookies) plus a REST nonce, then GET /wp-json/wc/v3/orders. Unlike
// application passwords or consumer keys this works over plain http
// (http://<store>.localhost) and needs no extra credential in the store Secret.
import { type WooAdminOrder, wooRestUrl } from "./orders/woocommerce.ts";

function cookiesFrom(response: Response, jar: Map<string, string>): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair?.indexOf("=") ?? -1;
    if (pair && eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

export interface WooAdminLogin {
  baseUrl: string;
  username: string;
  password: string;
}

/** Logs in through wp-login.php and returns the cookie header and a wp_rest nonce. */
export async function wooAdminSession(
  login: WooAdminLogin,
): Promise<{ cookie: string; nonce: string }> {
  const base = login.baseUrl.replace(/\/+$/, "");
  const jar = new Map<string, string>([["wordpress_test_cookie", "WP%20Cookie%20check"]]);
  const form = new URLSearchParams({
    log: login.username,
    pwd: login.password,
    "wp-submit": "Log In",
    redirect_to: `${base}/wp-admin/`,
    testcookie: "1",
  });
  const res = await fetch(`${base}/wp-login.php`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: form,
    redirect: "manual",
    signal: AbortSignal.timeout(30_000),
  });
  cookiesFrom(res, jar);
  if (![...jar.keys()].some((name) => name.startsWith("wordpress_logged_in_"))) {
    throw new Error(
      `WordPress admin login failed for ${login.username} (HTTP ${res.status}, no logged-in cookie)`,
    );
  }
  const nonceRes = await fetch(`${base}/wp-admin/admin-ajax.php?action=rest-nonce`, {
    headers: { cookie: cookieHeader(jar) },
    signal: AbortSignal.timeout(30_000),
  });
  const nonce = (await nonceRes.text()).trim();
  if (!nonceRes.ok || !/^[a-f0-9]{6,}$/i.test(nonce)) {
    throw new Error(`could not get a REST nonce (HTTP ${nonceRes.status}: ${nonce.slice(0, 80)})`);
  }
  return { cookie: cookieHeader(jar), nonce };
}

/** The order as the admin REST API lists it, or an error. */
export async function confirmWooOrderAsAdmin(
  login: WooAdminLogin,
  orderId: number,
): Promise<WooAdminOrder> {
  const { cookie, nonce } = await wooAdminSession(login);
  const url = wooRestUrl(login.baseUrl, "/wc/v3/orders", { include: String(orderId) });
  const res = await fetch(url, {
    headers: { cookie, "x-wp-nonce": nonce, accept: "application/json" },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok)
    throw new Error(
      `GET /wc/v3/orders as admin: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`,
    );
  const orders = (await res.json()) as WooAdminOrder[];
  const order = orders.find((o) => o.id === orderId);
  if (!order)
    throw new Error(`order ${orderId} not in GET /wc/v3/orders as admin (saw ${orders.length})`);
  return order;
}
