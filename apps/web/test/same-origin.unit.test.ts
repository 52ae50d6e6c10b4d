// Level: unit. The same-origin rule every non-GET/HEAD request passes through
// (server/same-origin.ts); the browser suite plays it with real Chromium.
import { describe, expect, it } from "vitest";
import { judgeRequest } from "../server/same-origin.ts";

const OWN = "http://dashboard.shops.localhost:3000";

describe("judgeRequest", () => {
  it.each([
    [{ site: "same-origin" }, true],
    [{ site: "same-site", origin: OWN }, false],
    [{ site: "cross-site" }, false],
    [{ site: "none" }, false],
    [{ origin: OWN }, true],
    [{ origin: "http://evil.shops.localhost:3000" }, false],
    [{ origin: "null", cookie: "sp_session=x" }, false],
    [{ referer: `${OWN}/stores/new` }, true],
    [{ referer: "http://evil.shops.localhost/attack" }, false],
    [{ cookie: "sp_session=x" }, false],
    // A script with a bearer token and no cookies: nothing ambient to borrow.
    [{}, true],
  ])("%j → %s", (headers, ok) => {
    expect(judgeRequest(headers, OWN).ok).toBe(ok);
  });

  it("names why it refused", () => {
    expect(judgeRequest({ site: "same-site" }, OWN)).toEqual({
      ok: false,
      reason: 'Sec-Fetch-Site is "same-site"',
    });
  });
});
