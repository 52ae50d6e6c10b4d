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
// Covered: create, delete, retry, reveal, tokens, log out, and (issues 15 and
// 16) back up now, restore, clone, suspend, resume, deletion protection on and
// off, and — with an admin victim — rollout start, pause, resume and abort;
// every such procedure is also attacked at /api/trpc.
import { type ApiDeps, createApiDeps } from "@storeplane/api";
import { completeBackup, type Database, markBackupRunning } from "@storeplane/db";
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
  const [stores, tokens, sessions, audit, events, users, backups, restores, schedules] =
    await Promise.all([
      db
        .selectFrom("stores")
        .select([
          "id",
          "name",
          "owner_id",
          "generation",
          "deletion_requested_at",
          "suspended",
          "deletion_protection",
          "chart_version",
        ])
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
      db
        .selectFrom("backups")
        .select(["id", "status", "verification_status"])
        .orderBy("id")
        .execute(),
      db.selectFrom("store_restores").select(["id", "kind"]).orderBy("id").execute(),
      db
        .selectFrom("backup_schedules")
        .select(["store_id", "frequency", "keep"])
        .orderBy("store_id")
        .execute(),
    ]);
  const [rollouts, rolloutStores] = await Promise.all([
    db.selectFrom("rollouts").select(["id", "state"]).orderBy("id").execute(),
    db
      .selectFrom("rollout_stores")
      .select(["rollout_id", "store_id", "state"])
      .orderBy("rollout_id")
      .orderBy("store_id")
      .execute(),
  ]);
  return {
    stores,
    tokens,
    sessions,
    audit,
    events,
    users,
    backups,
    restores,
    schedules,
    rollouts,
    rolloutStores,
  };
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

    async function medusaReadyStore(victim: UserSession) {
      const api = await victim.api(deps());
      const store = await api.stores.create({
        name: uniqueName("medusa"),
        engine: "medusa",
        plan: "small",
      });
      await waitForPhase(store.id, "Ready");
      return store;
    }

    /** A Ready store with one complete backup (its completion written as the controller's record step writes it). */
    async function storeWithBackup(victim: UserSession) {
      const store = await readyStore(victim);
      const api = await victim.api(deps());
      const backup = await api.backups.create({ store: store.id });
      const { db } = suite.database();
      await markBackupRunning(db, backup.id, new Date(Date.now() - 1_000));
      await completeBackup(
        db,
        backup.id,
        { sizeBytes: 1_024, durationMs: 1_000, sha256: "e".repeat(64), objectKey: "k" },
        new Date(),
      );
      return { store, backupId: backup.id };
    }

    /** The victim made an admin: rollouts are admins' only. */
    async function promote(victim: UserSession) {
      await suite
        .database()
        .db.updateTable("users")
        .set({ role: "admin" })
        .where("email", "=", victim.email)
        .execute();
    }

    /** At most one active rollout per engine: end the ones earlier tests left. */
    async function endActiveRollouts() {
      await suite
        .database()
        .db.updateTable("rollouts")
        .set({ state: "aborted", finished_at: new Date() })
        .where("state", "in", ["running", "paused", "halted"])
        .execute();
    }

    /**
     * A rollout the driver leaves alone while the attack runs: paused, or
     * running with its only store upgrading towards a generation the
     * controller will not reach within the (one day) deadline, so the gate
     * waits. Written as startRollout + assignRolloutStores write it.
     */
    async function stableRollout(victim: UserSession, state: "running" | "paused") {
      await endActiveRollouts();
      const store = await readyStore(victim);
      const { db } = suite.database();
      const rollout = await db
        .insertInto("rollouts")
        .values({
          engine: "medusa",
          target_chart_version: "0.2.0",
          waves: JSON.stringify([{ percent: 100 }]),
          wave_deadline_seconds: 86_400,
          pause_seconds: 0,
          max_unavailable: 1,
          created_by: `user:${victim.email}`,
          state,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await db
        .insertInto("rollout_stores")
        .values({
          rollout_id: rollout.id,
          store_id: store.id,
          wave: 1,
          position: 0,
          from_chart_version: "0.1.0",
          state: "upgrading",
          assigned_generation: 1_000_000,
          started_at: new Date(),
        })
        .execute();
      return rollout.id;
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
      {
        name: "back up a store now",
        target: async (victim) => {
          const store = await readyStore(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "backup" },
          };
        },
      },
      {
        name: "restore a store from its backup (name typed)",
        target: async (victim) => {
          const { store, backupId } = await storeWithBackup(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "restore", backupId, confirm: store.name },
          };
        },
      },
      {
        name: "verify a backup",
        target: async (victim) => {
          const { store, backupId } = await storeWithBackup(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "verify", backupId },
          };
        },
      },
      {
        name: "clone a backup into a new store",
        target: async (victim) => {
          const { store, backupId } = await storeWithBackup(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "clone", backupId, name: uniqueName("planted") },
          };
        },
      },
      {
        name: "suspend a store",
        target: async (victim) => {
          const store = await readyStore(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "suspend" },
          };
        },
      },
      {
        name: "resume a suspended store",
        target: async (victim) => {
          const store = await readyStore(victim);
          await (await victim.api(deps())).stores.suspend({ id: store.id });
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "resume" },
          };
        },
      },
      {
        name: "turn deletion protection on",
        target: async (victim) => {
          const store = await readyStore(victim);
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "deletion-protection", enabled: "on" },
          };
        },
      },
      {
        name: "turn deletion protection off",
        target: async (victim) => {
          const store = await readyStore(victim);
          await (await victim.api(deps())).stores.setDeletionProtection({
            id: store.id,
            enabled: true,
          });
          return {
            path: `/stores/${store.id}`,
            routeId: "routes/stores.$storeId",
            fields: { intent: "deletion-protection", enabled: "off" },
          };
        },
      },
      {
        name: "start a rollout (admin victim)",
        target: async (victim) => {
          await promote(victim);
          await endActiveRollouts();
          // An eligible store, so the start would succeed were it not refused.
          await medusaReadyStore(victim);
          return {
            path: "/admin/rollouts",
            routeId: "routes/admin_.rollouts._index",
            fields: { engine: "medusa", chartVersion: "0.3.0" },
          };
        },
      },
      ...(["pause", "resume", "abort"] as const).map((intent) => ({
        name: `${intent} a rollout (admin victim)`,
        target: async (victim: UserSession) => {
          await promote(victim);
          const id = await stableRollout(victim, intent === "pause" ? "running" : "paused");
          return {
            path: `/admin/rollouts/${id}`,
            routeId: "routes/admin_.rollouts.$rolloutId",
            fields: { intent },
          };
        },
      })),
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

    // Every procedure behind the intents above, called as a script would from the sibling page.
    const procedures: Array<{
      path: string;
      input(victim: UserSession): Promise<unknown>;
    }> = [
      { path: "backups.create", input: async (v) => ({ store: (await readyStore(v)).id }) },
      {
        path: "backups.restore",
        input: async (v) => {
          const { store, backupId } = await storeWithBackup(v);
          return { backupId, confirm: store.name };
        },
      },
      {
        path: "backups.clone",
        input: async (v) => ({
          backupId: (await storeWithBackup(v)).backupId,
          name: uniqueName("planted"),
        }),
      },
      {
        path: "backups.verify",
        input: async (v) => {
          const { store, backupId } = await storeWithBackup(v);
          return { store: store.id, backupId };
        },
      },
      {
        path: "backups.schedule",
        input: async (v) => ({ store: (await readyStore(v)).id, frequency: "daily", keep: 7 }),
      },
      { path: "stores.suspend", input: async (v) => ({ id: (await readyStore(v)).id }) },
      {
        path: "stores.resume",
        input: async (v) => {
          const store = await readyStore(v);
          await (await v.api(deps())).stores.suspend({ id: store.id });
          return { id: store.id };
        },
      },
      {
        path: "stores.setDeletionProtection",
        input: async (v) => ({ id: (await readyStore(v)).id, enabled: true }),
      },
      {
        path: "rollouts.start",
        input: async (v) => {
          await promote(v);
          await endActiveRollouts();
          await medusaReadyStore(v);
          return { engine: "medusa", chartVersion: "0.3.0" };
        },
      },
      ...(["pause", "resume", "abort"] as const).map((action) => ({
        path: `rollouts.${action}`,
        input: async (v: UserSession) => {
          await promote(v);
          return { id: await stableRollout(v, action === "pause" ? "running" : "paused") };
        },
      })),
    ];

    for (const procedure of procedures) {
      it(`refuses a credentialed fetch from the sibling page to /api/trpc/${procedure.path}, and nothing changes`, async () => {
        const victim = await suite.newVictim();
        const input = await procedure.input(victim);
        const dashboard = suite.dashboardOrigin();
        const before = await snapshot(suite.database().db);
        suite.attacker().serve(
          "/attack",
          `<!doctype html><script>
            fetch(${JSON.stringify(`${dashboard}/api/trpc/${procedure.path}`)}, {
              method: "POST", credentials: "include", mode: "no-cors",
              headers: { "content-type": "text/plain" },
              body: JSON.stringify({ json: ${JSON.stringify(input)} }),
            });
          </script>`,
        );
        const answer = victim.page.waitForResponse(
          (response) =>
            response.url().includes(`/api/trpc/${procedure.path}`) &&
            response.request().method() === "POST",
        );
        await victim.page.goto(`${suite.attacker().origin}/attack`, { waitUntil: "commit" });
        const status = (await answer).status();
        await victim.page.waitForTimeout(150);
        expect(await snapshot(suite.database().db)).toEqual(before);
        expect(status).toBe(403);
      });
    }

    // Control: the same targets posted by the victim's own dashboard page do
    // change the database, so each refusal above refused something that would
    // otherwise have happened (the rollout set-ups above are not inert).
    const controls = [
      "verify a backup",
      "clone a backup into a new store",
      "turn deletion protection off",
      "start a rollout (admin victim)",
      "pause a rollout (admin victim)",
      "abort a rollout (admin victim)",
    ];
    for (const name of controls) {
      it(`accepts "${name}" from the victim's own dashboard page`, async () => {
        const route = routes.find((r) => r.name === name);
        if (!route) throw new Error(`no route ${name}`);
        const victim = await suite.newVictim();
        const target = await route.target(victim);
        const before = await snapshot(suite.database().db);
        await victim.page.goto("/stores");
        const status = await victim.page.evaluate(
          async ({ path, fields }) => {
            const csrf = (document.querySelector('input[name="csrf"]') as HTMLInputElement).value;
            const response = await fetch(path, {
              method: "POST",
              body: new URLSearchParams({ csrf, ...fields }),
              redirect: "manual",
            });
            return response.type === "opaqueredirect" ? 302 : response.status;
          },
          { path: target.path, fields: target.fields },
        );
        expect(status).toBe(302);
        expect(await snapshot(suite.database().db)).not.toEqual(before);
      });
    }

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
