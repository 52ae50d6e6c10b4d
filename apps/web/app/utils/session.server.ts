// The session cookie holds the API's opaque session token (only its hash is in
// the database). httpOnly so page scripts never see it, SameSite=Lax so it is
// not sent on cross-site form posts.
//
// Stores live on sibling subdomains, which are the same *site* and may set
// cookies for the parent domain (docs/security.md). Over https both cookies are
// therefore `__Host-` prefixed: the browser then accepts them only host-only,
// with `Path=/` and `Secure`, so a store's page can neither plant nor shadow
// them, and the server reads only the prefixed names. Plain http (local
// development) cannot use the prefix; there the cookies are host-only with
// `Path=/`, and the same-origin check in server/same-origin.ts is what stops a
// sibling page.
import { createCookie } from "@remix-run/node";

const SESSION_COOKIE = "sp_session";
const VISITOR_COOKIE = "sp_visitor";

function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

/** The cookie's name for this request's scheme: `__Host-<name>` over https. */
export function cookieName(base: string, https: boolean): string {
  return https ? `__Host-${base}` : base;
}

function sessionCookie(request: Request) {
  const https = isHttps(request);
  return createCookie(cookieName(SESSION_COOKIE, https), {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: https,
    maxAge: 14 * 24 * 3600,
  });
}

export async function getSessionToken(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie(request).parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

export function commitSessionToken(request: Request, token: string): Promise<string> {
  return sessionCookie(request).serialize(token);
}

export function destroySessionToken(request: Request): Promise<string> {
  return sessionCookie(request).serialize("", { maxAge: 0 });
}

/** The visitor cookie's Set-Cookie line (set by the Express server before Remix runs, see server/app.ts). */
export function visitorCookieHeader(id: string, https: boolean): string {
  const secure = https ? "; Secure" : "";
  return `${cookieName(VISITOR_COOKIE, https)}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400${secure}`;
}

const VISITOR_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The visitor id from the cookie of this request's scheme (never the unprefixed name over https). */
export function visitorIdFromCookieHeader(
  header: string | null | undefined,
  https: boolean,
): string | null {
  const name = cookieName(VISITOR_COOKIE, https);
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    // The first cookie of the name wins, as browsers send the most specific first.
    return VISITOR_ID.test(value) ? value : null;
  }
  return null;
}

export function getVisitorId(request: Request): string | null {
  return visitorIdFromCookieHeader(request.headers.get("Cookie"), isHttps(request));
}
