// Level: real browser (Debian's Chromium via playwright-core) with real
// sibling host names (--host-resolver-rules maps *.shops.localhost to
// loopback) against the real production server, real Postgres, the real
// controller loop and the SIMULATED cluster (test tool).
//
// The attacker is a tenant: it controls the page of its store at
// evil.shops.localhost, a sibling subdomain (same *site*) of the dashboard at
// dashboard.shops.localhost. Every state-changing dashboard route is attacked
// three ways from that page while a victim is signed in:
//  - "_data":  planted visitor cookie (Domain=shops.localhost, a more specific
//              Path so it is sent first) + an auto-submitted form to the
//              route's `?_data=` endpoint carrying the CSRF token bound to the
//              attacker's visitor id (the attack measured on the old main);
//  - "form":   the same as a top-level document form post;
//  - "fetch":  fetch(…, { credentials: "include", mode: "no-cors" }).
// Each test asserts the refusal (403) AND that the database did not change.
import { type ApiDeps, createApiDeps } from "@storeplane/api";
import type { Database } from "@storeplane/db";
import type { Kysely } from "kysely";
import pino from "pino";
import { expect, it } from "vitest";
import { type UserSession, uniqueName } from "./support/browser.ts";
import { attackerVisitorToken, describeSiblingSites, SITE } from "./support/sibling-sites.ts";

type Via = "_data" | "form" | "fetch";

interface Target {
  /** Path of the dashboard route, e.g. /stores/new */
  path: string;
  /** Remix route id for `?_data=` */
  routeId: string;
  fields: Record<string, string>;
}

/** Everything an attack could change, as plain values (controller bookkeeping excluded). */
async function snapshot(db: Kysely<Database>) {
  const [stores, tokens, sessions, audit, events, users] = await Promise.all([
    db
      .selectFrom("stores")
      .select(["id", "name", "owner_id", "generation", "deletion_requested_at"])
      .orderBy("id")
      .execute(),
    db.selectFrom("api_tokens").select(["id", "name", "revoked_at"]).orderBy("id").execute(),
    db.selectFrom("sessions").select(["id", "user_id", "revoked_at"]).orderBy("id").execute(),
    db.selectFrom("audit_log").select(["id", "action"]).orderBy("id").execute(),
    db
      .selectFrom("store_events")
      .select(["id", "reason"])
      .where("actor", "not like", "controller:%")
      .orderBy("id")
      .execute(),
    db.selectFrom("users").select(["id", "role", "store_limit"]).orderBy("id").execute(),
  ]);
  return { stores, tokens, sessions, audit, events, users };
}

function hiddenInputs(fields: Record<string, string>): string {
  const attr = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${attr(name)}" value="${attr(value)}">`)
    .join("");
}

/** The tenant's page: plants its cookie for the parent domain, then posts to the dashboard. */
function attackPage(options: {
  url: string;
  fields: Record<string, string>;
  cookie: string | null;
  via: Via;
}) {
  const plant = options.cookie ? `document.cookie = ${JSON.stringify(options.cookie)};` : "";
  if (options.via === "fetch") {
    return `<!doctype html><script>${plant}
      fetch(${JSON.stringify(options.url)}, {
        method: "POST", credentials: "include", mode: "no-cors",
        body: new URLSearchParams(${JSON.stringify(options.fields)}),
      }).then(() => { document.title = "sent"; }, () => { document.title = "sent"; });
    </script>`;
  }
  return `<!doctype html><form id="f" method="post" action="${options.url}">${hiddenInputs(options.fields)}</form>
    <script>${plant} document.getElementById("f").submit();</script>`;
}

describeSiblingSites(
  "a store's page on a sibling subdomain attacks the dashboard",
  {
    storeLimitPerUser: 50,
    storeLimitPlatform: 500,
    provisioningDeadlineSeconds: 3,
    latencies: { workloadsReadyMs: 300, jobCompleteMs: 200 },
  },
  (suite) => {
    let apiDeps: ApiDeps | undefined;
    const deps = () => {
      apiDeps ??= createApiDeps({
        database: suite.database(),
        config: suite.platform().apiConfig,
        logger: pino({ level: "silent" }),
      });
      return apiDeps;
    };

    async function waitForPhase(id: string, phase: "Ready" | "Failed") {
      await expect
        .poll(
          async () =>
            (
              await suite
                .database()
                .db.selectFrom("stores")
                .select("phase")
                .where("id", "=", id)
                .executeTakeFirstOrThrow()
            ).phase,
          { timeout: 30_000, interval: 200 },
        )
        .toBe(phase);
    }

    async function readyStore(victim: UserSession) {
      const api = await victim.api(deps());
      const store = await api.stores.create({
        name: uniqueName("target"),
        engine: "woocommerce",
        plan: "small",
      });
      await waitForPhase(store.id, "Ready");
      return store;
    }

    async function failedStore(victim: UserSession) {
      const api = await victim.api(deps());
      const name = uniqueName("broken");
      suite.platform().simulation?.failImagePull(`store-${name}`, "wordpress:does-not-exist");
      const store = await api.stores.create({ name, engine: "woocommerce", plan: "small" });
      await waitForPhase(store.id, "Failed");
      return store;
    }

    /** Runs one attack from the sibling page; returns the dashboard's answer to it. */
    async function attack(victim: UserSession, target: Target, via: Via) {
      const dashboard = suite.dashboardOrigin();
      // The attacker loads the dashboard anonymously (outside the victim's
      // browser); Node cannot resolve *.localhost names, so by address.
      const visitor = await attackerVisitorToken(suite.platform().url);
      const cookiePath = `/${target.path.split("/")[1]}`;
      const url =
        via === "_data"
          ? `${dashboard}${target.path}?_data=${encodeURIComponent(target.routeId)}`
          : `${dashboard}${target.path}`;
      suite.attacker().serve(
        "/attack",
        attackPage({
          url,
          fields: { csrf: visitor.csrf, ...target.fields },
          cookie: `${visitor.cookieName}=${visitor.visitorId}; Domain=${SITE}; Path=${cookiePath}`,
          via,
        }),
      );
      const answer = victim.page.waitForResponse(
        (response) =>
          response.url().startsWith(`${dashboard}${target.path}`) &&
          response.request().method() === "POST",
        { timeout: 15_000 },
      );
      await victim.page.goto(`${suite.attacker().origin}/attack`, { waitUntil: "commit" });
      const response = await answer;
      // Let the server finish whatever the request started before the DB is compared.
      await victim.page.waitForTimeout(150);
      return response.status();
    }

    const vias: Via[] = ["_data", "form", "fetch"];

    const routes: Array<{
      name: string;
      target(victim: UserSession): Promise<Target>;
    }> = [
      {
        name: "create a store",
        target: async () => ({
          path: "/stores/new",
          routeId: "routes/stores.new",
          fields: { name: uniqueName("planted"), engine: "woocommerce", plan: "small" },
        }),
      },
      {
        name: "delete a store (by its name)",
        target: async (victim) => {
          const store = await readyStore(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "delete", confirm: store.name },
          };
        },
      },
      {
        name: "retry a failed store",
        target: async (victim) => {
          const store = await failedStore(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "retry" },
          };
        },
      },
      {
        name: "reveal a store's credentials",
        target: async (victim) => {
          const store = await readyStore(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "reveal" },
          };
        },
      },
      {
        name: "create an API token",
        target: async () => ({
          path: "/tokens",
          routeId: "routes/tokens",
          fields: { intent: "create", name: "planted-token" },
        }),
      },
      {
        name: "revoke an API token",
        target: async (victim) => {
          const api = await victim.api(deps());
          const created = await api.tokens.create({ name: uniqueName("ci") });
          return {
            path: "/tokens",
            routeId: "routes/tokens",
            fields: { intent: "revoke", id: created.info.id, name: created.info.name },
          };
        },
      },
      {
        name: "log out",
        target: async () => ({ path: "/logout", routeId: "routes/logout", fields: {} }),
      },
    ];

    for (const route of routes) {
      for (const via of vias) {
        it(`refuses "${route.name}" via ${via} from the sibling page, and nothing changes`, async () => {
          const victim = await suite.newVictim();
          const target = await route.target(victim);
          const before = await snapshot(suite.database().db);
          const status = await attack(victim, target, via);
          expect(await snapshot(suite.database().db)).toEqual(before);
          expect(status).toBe(403);
        });
      }
    }

    it("refuses a credentialed fetch from the sibling page to /api/trpc, and nothing changes", async () => {
      const victim = await suite.newVictim();
      const dashboard = suite.dashboardOrigin();
      const before = await snapshot(suite.database().db);
      suite.attacker().serve(
        "/attack",
        `<!doctype html><script>
          fetch(${JSON.stringify(`${dashboard}/api/trpc/stores.create`)}, {
            method: "POST", credentials: "include", mode: "no-cors",
            headers: { "content-type": "text/plain" },
            body: JSON.stringify({ json: { name: "via-trpc", engine: "woocommerce", plan: "small" } }),
          });
        </script>`,
      );
      const answer = victim.page.waitForResponse(
        (response) =>
          response.url().includes("/api/trpc/") && response.request().method() === "POST",
      );
      await victim.page.goto(`${suite.attacker().origin}/attack`, { waitUntil: "commit" });
      const status = (await answer).status();
      await victim.page.waitForTimeout(150);
      expect(await snapshot(suite.database().db)).toEqual(before);
      expect(status).toBe(403);
    });

    it("refuses a post to the admin page from the sibling page of a signed-in admin", async () => {
      const victim = await suite.newVictim();
      const dashboard = suite.dashboardOrigin();
      const before = await snapshot(suite.database().db);
      suite.attacker().serve(
        "/attack",
        attackPage({
          url: `${dashboard}/admin`,
          fields: { intent: "anything" },
          cookie: null,
          via: "form",
        }),
      );
      const answer = victim.page.waitForResponse(
        (response) =>
          response.url().startsWith(`${dashboard}/admin`) && response.request().method() === "POST",
      );
      await victim.page.goto(`${suite.attacker().origin}/attack`, { waitUntil: "commit" });
      const status = (await answer).status();
      expect(await snapshot(suite.database().db)).toEqual(before);
      expect(status).toBe(403);
    });

    it("answers a foreign Origin with a clear 403, never a 500", async () => {
      const victim = await suite.newVictim();
      const cookie = (await victim.context.cookies())
        .map((entry) => `${entry.name}=${entry.value}`)
        .join("; ");
      const before = await snapshot(suite.database().db);
      const response = await fetch(`${suite.platform().url}/stores/new`, {
        method: "POST",
        redirect: "manual",
        headers: {
          cookie,
          origin: suite.attacker().origin,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          name: uniqueName("foreign"),
          engine: "woocommerce",
          plan: "small",
        }),
      });
      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(/another site/i);
      expect(await snapshot(suite.database().db)).toEqual(before);
    });

    it("still accepts the victim's own forms on the dashboard (the refusals above are not blanket)", async () => {
      const victim = await suite.newVictim();
      const before = await snapshot(suite.database().db);
      const id = await victim.createStore({ name: uniqueName("own") });
      const after = await snapshot(suite.database().db);
      expect(after.stores.map((store) => store.id)).toContain(id);
      expect(after.stores).toHaveLength(before.stores.length + 1);
    });
  },
);
