// Refuses every state-changing request that a browser sent from another
// origin, before its body is read or anyone is authenticated. This is the
// layer that stops a tenant's store page: stores live on sibling subdomains of
// the dashboard, the same *site*, so SameSite cookies are sent along and a
// sibling can plant cookies for the parent domain (docs/security.md).
//
// The rule, after OWASP's CSRF cheat sheet ("Fetch Metadata" and "Verifying
// Origin With Standard Headers"): a non-GET/HEAD request passes only when
//  - Sec-Fetch-Site says `same-origin` (every current browser sends it), or,
//    where that header is absent, Origin — or failing that Referer — equals
//    the dashboard's own origin; or
//  - it carries none of those headers and no cookie at all: a script (storectl,
//    the typed client) authenticating by bearer token, with nothing ambient
//    for a forged request to borrow.
import type { Request as ExpressRequest, RequestHandler } from "express";

const SAFE_METHODS = new Set(["GET", "HEAD"]);

export interface SameOriginOptions {
  /** The dashboard's public origin (https://dashboard.example.com); derived from the request when absent. */
  dashboardOrigin?: string | null;
}

export type SameOriginVerdict = { ok: true } | { ok: false; reason: string };

/** The origin this request was addressed to, as the browser saw it. */
export function ownOrigin(req: ExpressRequest, configured?: string | null): string {
  if (configured) return new URL(configured).origin;
  // req.protocol honours X-Forwarded-Proto only from trusted hops ("trust proxy").
  return `${req.protocol}://${req.get("host") ?? ""}`;
}

function originOf(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

export function judgeRequest(
  headers: { site?: string; origin?: string; referer?: string; cookie?: string },
  own: string,
): SameOriginVerdict {
  if (headers.site) {
    return headers.site === "same-origin"
      ? { ok: true }
      : { ok: false, reason: `Sec-Fetch-Site is "${headers.site}"` };
  }
  if (headers.origin) {
    return originOf(headers.origin) === own
      ? { ok: true }
      : { ok: false, reason: `Origin ${headers.origin} is not ${own}` };
  }
  if (headers.referer) {
    return originOf(headers.referer) === own
      ? { ok: true }
      : { ok: false, reason: `Referer is not on ${own}` };
  }
  if (headers.cookie) {
    return { ok: false, reason: "a request carrying cookies named neither Origin nor Referer" };
  }
  return { ok: true };
}

export function sameOriginGuard(options: SameOriginOptions = {}): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const own = ownOrigin(req, options.dashboardOrigin);
    const verdict = judgeRequest(
      {
        site: req.get("sec-fetch-site"),
        origin: req.get("origin"),
        referer: req.get("referer"),
        cookie: req.get("cookie"),
      },
      own,
    );
    if (verdict.ok) return next();
    // The body is never read: close the connection instead of draining it.
    res
      .status(403)
      .set("Connection", "close")
      .type("text/plain")
      .send(
        `Refused: this ${req.method} request came from another site (${verdict.reason}). ` +
          `The dashboard accepts changes only from its own pages at ${own}.`,
      );
  };
}
