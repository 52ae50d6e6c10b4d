// The session cookie holds the API's opaque session token (only its hash is in
// the database). httpOnly so page scripts never see it, SameSite=Lax so it is
// not sent on cross-site form posts, Secure whenever the request came over https.
import { createCookie } from "@remix-run/node";

const SESSION_COOKIE = "sp_session";

function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

function sessionCookie(request: Request) {
  return createCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: isHttps(request),
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

/** Set by the Express server before Remix runs (see server/app.ts), so the first page already has it. */
export function getVisitorId(request: Request): string | null {
  const match = /(?:^|;\s*)sp_visitor=([A-Za-z0-9_-]{16,64})(?:;|$)/.exec(
    request.headers.get("Cookie") ?? "",
  );
  return match?.[1] ?? null;
}
