// CSRF protection for every form post: a synchronizer token without server
// storage (OWASP's "HMAC-based token" pattern). The token is
// HMAC(secret, session token) — or, before login, HMAC(secret, a random
// visitor id kept in an httpOnly cookie). Each form carries it in a hidden
// field and every action recomputes and compares it.
//
// Why not a plain double-submit cookie: stores run on sibling subdomains
// (*.localhost, *.example.com) and a subdomain can plant cookies for the
// parent domain, so an attacker could pair a cookie and a field value they
// chose. An HMAC bound to the victim's own session cannot be forged without
// the server secret. SameSite=Lax does NOT separate sibling subdomains (they
// are the same site): the same-origin check in server/same-origin.ts runs
// before any action and is the layer that refuses a store's page outright.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { getSessionToken, getVisitorId } from "./session.server.ts";

export const CSRF_FIELD = "csrf";

function sign(secret: string, binding: string): string {
  return createHmac("sha256", secret).update(`csrf:${binding}`).digest("base64url");
}

/** The token for this request's session, or before login for its visitor id. */
export async function getCsrfToken(request: Request, context: AppLoadContext): Promise<string> {
  const session = await getSessionToken(request);
  if (session) return sign(context.secret, `s:${session}`);
  return sign(context.secret, `v:${getVisitorId(request) ?? "none"}`);
}

/**
 * Throws a 403 response when the form's token does not match this request.
 * With a session only the session-bound token counts: a visitor token is what
 * anyone gets by loading the login page, and a sibling subdomain can plant its
 * own visitor cookie next to the victim's session (docs/security.md).
 */
export async function validateCsrf(
  request: Request,
  context: AppLoadContext,
  formData: FormData,
): Promise<void> {
  const sent = formData.get(CSRF_FIELD);
  const session = await getSessionToken(request);
  const visitor = session ? null : getVisitorId(request);
  const expected = session
    ? sign(context.secret, `s:${session}`)
    : visitor
      ? sign(context.secret, `v:${visitor}`)
      : null;
  if (typeof sent === "string" && expected !== null && safeEqual(sent, expected)) return;
  throw new Response(
    "This form has expired or did not come from this site. Reload the page and try again.",
    { status: 403, statusText: "CSRF token mismatch" },
  );
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
