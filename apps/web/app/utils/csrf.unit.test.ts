// Level: unit. The CSRF token rules and cookie names, without a server: the
// browser suite (test/csrf-sibling.browser.test.ts) proves the whole chain.
import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { CSRF_FIELD, getCsrfToken, validateCsrf } from "./csrf.server.ts";
import {
  commitSessionToken,
  visitorCookieHeader,
  visitorIdFromCookieHeader,
} from "./session.server.ts";

const context = { secret: "s".repeat(32) } as AppLoadContext;
const VISITOR = "attackerVisitorId123";

function form(token: string): FormData {
  const data = new FormData();
  data.set(CSRF_FIELD, token);
  return data;
}

async function sessionCookiePair(url: string, token: string): Promise<string> {
  const line = await commitSessionToken(new Request(url), token);
  return line.slice(0, line.indexOf(";"));
}

describe("CSRF tokens", () => {
  it("refuses a visitor-bound token once a session exists (the planted-cookie attack)", async () => {
    const session = await sessionCookiePair("http://dashboard.localhost/", "sps_victim-session");
    const anonymous = new Request("http://dashboard.localhost/", {
      headers: { cookie: `sp_visitor=${VISITOR}` },
    });
    const visitorToken = await getCsrfToken(anonymous, context);
    const signedIn = new Request("http://dashboard.localhost/stores/new", {
      headers: { cookie: `sp_visitor=${VISITOR}; ${session}` },
    });
    const refusal = await validateCsrf(signedIn, context, form(visitorToken)).catch((e) => e);
    expect(refusal).toBeInstanceOf(Response);
    expect((refusal as Response).status).toBe(403);
    await expect(
      validateCsrf(signedIn, context, form(await getCsrfToken(signedIn, context))),
    ).resolves.toBeUndefined();
  });

  it("accepts the visitor-bound token only without a session", async () => {
    const anonymous = new Request("http://dashboard.localhost/login", {
      headers: { cookie: `sp_visitor=${VISITOR}` },
    });
    await expect(
      validateCsrf(anonymous, context, form(await getCsrfToken(anonymous, context))),
    ).resolves.toBeUndefined();
    const other = await validateCsrf(anonymous, context, form("forged")).catch((e) => e);
    expect((other as Response).status).toBe(403);
  });
});

describe("cookies", () => {
  it("are __Host- prefixed, Secure, host-only with Path=/ over https", async () => {
    const line = await commitSessionToken(new Request("https://dashboard.example.com/"), "sps_x");
    expect(line).toMatch(/^__Host-sp_session=/);
    expect(line).toMatch(/; Path=\/(;|$)/);
    expect(line).toMatch(/; Secure/);
    expect(line).not.toMatch(/Domain=/i);
    const visitor = visitorCookieHeader(VISITOR, true);
    expect(visitor).toMatch(/^__Host-sp_visitor=.*; Path=\/; .*Secure/);
    expect(visitor).not.toMatch(/Domain=/i);
  });

  it("are host-only with Path=/ over http, where the prefix cannot be used", async () => {
    const line = await commitSessionToken(new Request("http://dashboard.localhost/"), "sps_x");
    expect(line).toMatch(/^sp_session=.*; Path=\/(;|$)/);
    expect(line).not.toMatch(/Domain=|Secure/i);
    expect(visitorCookieHeader(VISITOR, false)).toMatch(/^sp_visitor=.*; Path=\/; /);
  });

  it("over https, never reads the unprefixed name a sibling subdomain could plant", () => {
    expect(visitorIdFromCookieHeader(`sp_visitor=${VISITOR}`, true)).toBeNull();
    expect(visitorIdFromCookieHeader(`__Host-sp_visitor=${VISITOR}`, true)).toBe(VISITOR);
    expect(visitorIdFromCookieHeader(`sp_visitor=${VISITOR}`, false)).toBe(VISITOR);
  });
});
