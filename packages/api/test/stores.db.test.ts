// Store procedures: desired state, authorization, quotas, idempotency, the
// audit trail and cluster reads.
import type { Phase } from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { getFieldErrors } from "../src/trpc.ts";
import { FAKE_STORE_PASSWORD, fakeClusterReader } from "./fakes.ts";
import {
  anonymous,
  bearerCaller,
  expectTrpcError,
  makeDeps,
  PASSWORD,
  rowCounts,
  signedUp,
  testConfig,
} from "./helpers.ts";

describeEachDatabase("stores", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  const setPhase = (id: string, phase: Phase, extra: Record<string, unknown> = {}) =>
    handle()
      .db.updateTable("stores")
      .set({ phase, ...extra })
      .where("id", "=", id)
      .execute();

  describe("create", () => {
    it("writes the desired state with URLs, a store event, an audit entry and a NOTIFY", async () => {
      const deps = makeDeps(handle(), {
        config: testConfig({ STORE_BASE_DOMAIN: "shops.example.com", STORE_URL_SCHEME: "https" }),
      });
      const { caller, user } = await signedUp(deps);
      const notified: string[] = [];
      const unlisten = await handle().listen("store_changes", (payload) => notified.push(payload));
      try {
        const store = await caller.stores.create({
          name: "acme",
          engine: "medusa",
          plan: "medium",
        });
        expect(store).toMatchObject({
          name: "acme",
          engine: "medusa",
          plan: "medium",
          ownerId: user.id,
          phase: "Pending",
          generation: 1,
          storeUrl: "https://acme.shops.example.com",
          adminUrl: "https://acme.shops.example.com/app",
        });
        const events = await caller.stores.events({ id: store.id });
        expect(events).toMatchObject([
          { type: "Normal", reason: "CreateRequested", actor: `user:${user.email}` },
        ]);
        const audit = await handle()
          .db.selectFrom("audit_log")
          .selectAll()
          .where("action", "=", "store.create")
          .execute();
        expect(audit).toMatchObject([
          {
            target_type: "store",
            target_id: store.id,
            actor_user_id: user.id,
            details: { name: "acme" },
          },
        ]);
        await expect.poll(() => notified).toContain(store.id);
      } finally {
        await unlisten();
      }
    });

    it("defaults the plan to small and gives WooCommerce its wp-admin URL", async () => {
      const { caller } = await signedUp(makeDeps(handle()));
      const store = await caller.stores.create({ name: "woo-1", engine: "woocommerce" });
      expect(store.plan).toBe("small");
      expect(store.adminUrl).toBe("http://woo-1.localhost/wp-admin/");
    });

    it.each([
      [{ name: "ab" }, "name", "must be 3–40 characters"],
      [{ name: "a".repeat(41) }, "name", "must be 3–40 characters"],
      [{ name: "Shop" }, "name", "may contain only lowercase letters, digits and '-'"],
      [{ name: "1shop" }, "name", "must start with a lowercase letter"],
      [{ name: "shop-" }, "name", "must end with a lowercase letter or digit"],
      [{ name: "my_shop" }, "name", "may contain only lowercase letters, digits and '-'"],
      [{ name: "admin" }, "name", "is reserved"],
      [{ name: "kube-system" }, "name", "is reserved"],
      [{ engine: "magento" }, "engine", "must be one of woocommerce, medusa"],
      [{ engine: undefined }, "engine", "is required"],
      [{ plan: "huge" }, "plan", "must be one of small, medium, large"],
      [{ idempotencyKey: "short" }, "idempotencyKey", "must be 8–100 characters"],
    ])("refuses %o: %s %s", async (patch, field, rule) => {
      const { caller } = await signedUp(makeDeps(handle()));
      const before = await rowCounts(handle().db);
      const error = await expectTrpcError(
        caller.stores.create({ name: "good-name", engine: "woocommerce", ...patch } as never),
        "BAD_REQUEST",
      );
      expect(error.message).toContain(`${field}: `);
      expect(error.message).toContain(rule);
      expect(getFieldErrors(error)?.[field]).toContain(rule);
      expect(await rowCounts(handle().db)).toEqual(before);
    });

    it("refuses a name another user's live store holds, but not one that was deleted", async () => {
      const deps = makeDeps(handle());
      const a = await signedUp(deps);
      const b = await signedUp(deps);
      const store = await a.caller.stores.create({ name: "taken", engine: "woocommerce" });
      const error = await expectTrpcError(
        b.caller.stores.create({ name: "taken", engine: "medusa" }),
        "CONFLICT",
        /^name: "taken" is taken$/,
      );
      expect(getFieldErrors(error)).toEqual({ name: ["is taken"] });
      await a.caller.stores.delete({ id: store.id });
      // Still taken while being deleted: its namespace exists until the controller is done.
      await expectTrpcError(
        b.caller.stores.create({ name: "taken", engine: "medusa" }),
        "CONFLICT",
      );
      await setPhase(store.id, "Deleted", { deleted_at: new Date() });
      await expect(
        b.caller.stores.create({ name: "taken", engine: "medusa" }),
      ).resolves.toMatchObject({
        name: "taken",
      });
    });

    it("enforces the per-user quota, honours a per-user override, and frees a slot on deletion", async () => {
      const deps = makeDeps(handle(), { config: testConfig({ STORE_LIMIT_PER_USER: "2" }) });
      const { caller, user } = await signedUp(deps);
      const first = await caller.stores.create({ name: "q-1", engine: "woocommerce" });
      await caller.stores.create({ name: "q-2", engine: "woocommerce" });
      const before = await rowCounts(handle().db);
      await expectTrpcError(
        caller.stores.create({ name: "q-3", engine: "woocommerce" }),
        "PRECONDITION_FAILED",
        /^quota: you already have 2 of 2 stores$/,
      );
      expect(await rowCounts(handle().db)).toEqual(before);
      await setPhase(first.id, "Deleted", { deleted_at: new Date() });
      await caller.stores.create({ name: "q-3", engine: "woocommerce" });
      await handle()
        .db.updateTable("users")
        .set({ store_limit: 3 })
        .where("id", "=", user.id)
        .execute();
      // Auth is resolved per request, so a new request sees the raised limit.
      const refreshed = await bearerCaller(deps, (await caller.tokens.create({ name: "t" })).token);
      await refreshed.stores.create({ name: "q-4", engine: "woocommerce" });
      await expectTrpcError(
        refreshed.stores.create({ name: "q-5", engine: "woocommerce" }),
        "PRECONDITION_FAILED",
        /you already have 3 of 3 stores/,
      );
    });

    it("enforces the platform limit across users", async () => {
      const deps = makeDeps(handle(), { config: testConfig({ STORE_LIMIT_PLATFORM: "2" }) });
      const a = await signedUp(deps);
      const b = await signedUp(deps);
      await a.caller.stores.create({ name: "p-1", engine: "woocommerce" });
      await b.caller.stores.create({ name: "p-2", engine: "woocommerce" });
      await expectTrpcError(
        b.caller.stores.create({ name: "p-3", engine: "woocommerce" }),
        "PRECONDITION_FAILED",
        /^quota: the platform is full \(2 of 2 stores\)/,
      );
    });

    it("returns the same store for a repeated idempotency key, without writing again", async () => {
      const deps = makeDeps(handle(), { config: testConfig({ STORE_LIMIT_PER_USER: "1" }) });
      const { caller } = await signedUp(deps);
      const input = { name: "idem", engine: "medusa" as const, idempotencyKey: "key-0000-1" };
      const first = await caller.stores.create(input);
      const before = await rowCounts(handle().db);
      const second = await caller.stores.create(input);
      expect(second).toEqual(first);
      expect(await rowCounts(handle().db)).toEqual(before);
      await expectTrpcError(
        caller.stores.create({ ...input, engine: "woocommerce" }),
        "CONFLICT",
        /^idempotencyKey: already used for store "idem"/,
      );
    });

    it("keys idempotency per user: another user's key does not return their store", async () => {
      const deps = makeDeps(handle());
      const a = await signedUp(deps);
      const b = await signedUp(deps);
      await a.caller.stores.create({
        name: "idem-a",
        engine: "medusa",
        idempotencyKey: "shared-key-1",
      });
      const mine = await b.caller.stores.create({
        name: "idem-b",
        engine: "medusa",
        idempotencyKey: "shared-key-1",
      });
      expect(mine.name).toBe("idem-b");
    });

    it("a failure late in the transaction leaves no store, event or audit row behind", async () => {
      const deps = makeDeps(handle());
      const { caller } = await signedUp(deps);
      const db = handle().db;
      await sql`create or replace function refuse_audit() returns trigger language plpgsql as $$
        begin raise exception 'audit refused (test)'; end $$`.execute(db);
      await sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`.execute(
        db,
      );
      try {
        const before = await rowCounts(db);
        const error = await expectTrpcError(
          caller.stores.create({ name: "atomic", engine: "medusa" }),
          "INTERNAL_SERVER_ERROR",
        );
        expect(error.message).toBe("internal server error");
        expect(String(error.cause)).toContain("audit refused (test)");
        expect(await rowCounts(db)).toEqual(before);
      } finally {
        await sql`drop trigger refuse_audit on audit_log`.execute(db);
      }
    });
  });

  describe("reading", () => {
    it("get finds a store by id or by name; list shows only the caller's stores; admins can list all", async () => {
      const deps = makeDeps(handle());
      const admin = await signedUp(deps);
      const member = await signedUp(deps);
      const mine = await member.caller.stores.create({ name: "mine", engine: "woocommerce" });
      await admin.caller.stores.create({ name: "admins", engine: "medusa" });
      expect((await member.caller.stores.get({ id: "mine" })).id).toBe(mine.id);
      expect((await member.caller.stores.get({ id: mine.id })).name).toBe("mine");
      expect((await member.caller.stores.list()).items.map((s) => s.name)).toEqual(["mine"]);
      expect((await admin.caller.stores.list()).items.map((s) => s.name)).toEqual(["admins"]);
      expect(
        (await admin.caller.stores.list({ all: true })).items.map((s) => s.name).sort(),
      ).toEqual(["admins", "mine"]);
      expect((await admin.caller.stores.get({ id: "mine" })).id).toBe(mine.id);
      await expectTrpcError(member.caller.stores.list({ all: true }), "FORBIDDEN");
      await expectTrpcError(member.caller.admin.users(), "FORBIDDEN");
      expect((await admin.caller.admin.users()).items.map((u) => u.liveStores).sort()).toEqual([
        1, 1,
      ]);
      expect((await admin.caller.admin.stores()).items).toHaveLength(2);
    });

    it("events page forward with afterId", async () => {
      const { caller } = await signedUp(makeDeps(handle()));
      const store = await caller.stores.create({ name: "evt", engine: "woocommerce" });
      const [created] = await caller.stores.events({ id: store.id });
      await caller.stores.delete({ id: store.id });
      const newer = await caller.stores.events({ id: store.id, afterId: created!.id });
      expect(newer.map((e) => e.reason)).toEqual(["DeleteRequested"]);
    });
  });

  describe("delete and retry", () => {
    it("delete requests deletion once: generation bumped, due now, repeat is a no-op", async () => {
      const deps = makeDeps(handle());
      const { caller } = await signedUp(deps);
      const store = await caller.stores.create({ name: "del", engine: "woocommerce" });
      await setPhase(store.id, "Ready");
      const deleted = await caller.stores.delete({ id: "del" });
      expect(deleted).toMatchObject({ phase: "Deleting", generation: 2 });
      expect(deleted.deletionRequestedAt).toBeInstanceOf(Date);
      const again = await caller.stores.delete({ id: store.id });
      expect(again.generation).toBe(2);
      const audit = await handle()
        .db.selectFrom("audit_log")
        .select("action")
        .where("action", "=", "store.delete")
        .execute();
      expect(audit).toHaveLength(1);
    });

    it("retry works only on Failed stores and resets the failure state", async () => {
      const deps = makeDeps(handle());
      const { caller } = await signedUp(deps);
      const store = await caller.stores.create({ name: "flaky", engine: "medusa" });
      await expectTrpcError(
        caller.stores.retry({ id: store.id }),
        "PRECONDITION_FAILED",
        /^retry: store "flaky" is Pending; only Failed stores can be retried$/,
      );
      await setPhase(store.id, "Failed", { failure_count: 7, last_error: "ImagePullBackOff" });
      const retried = await caller.stores.retry({ id: "flaky" });
      expect(retried).toMatchObject({
        phase: "Pending",
        failureCount: 0,
        lastError: null,
        generation: 2,
      });
      const [event] = await caller.stores.events({ id: store.id, limit: 1 });
      expect(event).toMatchObject({ reason: "RetryRequested" });
      expect(event?.message).toContain("ImagePullBackOff");
    });
  });

  describe("authorization", () => {
    // Every procedure that takes a store, called by another member, must look
    // exactly like a store that does not exist.
    const procedures = {
      get: (c: Caller, id: string) => c.stores.get({ id }),
      delete: (c: Caller, id: string) => c.stores.delete({ id }),
      setDeletionProtection: (c: Caller, id: string) =>
        c.stores.setDeletionProtection({ id, enabled: true }),
      retry: (c: Caller, id: string) => c.stores.retry({ id }),
      suspend: (c: Caller, id: string) => c.stores.suspend({ id }),
      resume: (c: Caller, id: string) => c.stores.resume({ id }),
      events: (c: Caller, id: string) => c.stores.events({ id }),
      credentials: (c: Caller, id: string) => c.stores.credentials({ id }),
      resources: (c: Caller, id: string) => c.stores.resources({ id }),
    };
    type Caller = Awaited<ReturnType<typeof signedUp>>["caller"];

    it.each(Object.entries(procedures))(
      "stores.%s on another user's store answers NOT_FOUND",
      async (_name, call) => {
        const { reader, calls } = fakeClusterReader();
        const deps = makeDeps(handle(), { clusterReader: reader });
        await signedUp(deps); // the admin
        const a = await signedUp(deps);
        const b = await signedUp(deps);
        const store = await a.caller.stores.create({ name: "private", engine: "woocommerce" });
        await setPhase(store.id, "Failed");
        const before = await rowCounts(handle().db);
        for (const ref of [store.id, "private"]) {
          const other = await expectTrpcError(call(b.caller, ref), "NOT_FOUND");
          const missing = await expectTrpcError(
            call(
              b.caller,
              ref === "private" ? "no-such-store" : "00000000-0000-4000-8000-000000000000",
            ),
            "NOT_FOUND",
          );
          expect(other.message).toBe(
            missing.message.replace(/no-such-store|00000000-0000-4000-8000-000000000000/, ref),
          );
        }
        expect(await rowCounts(handle().db)).toEqual(before);
        expect(calls).toEqual([]);
      },
    );
  });

  describe("cluster reads", () => {
    it("without a cluster reader, credentials and resources answer PRECONDITION_FAILED", async () => {
      const { caller } = await signedUp(makeDeps(handle()));
      await caller.stores.create({ name: "offline", engine: "medusa" });
      const before = await rowCounts(handle().db);
      await expectTrpcError(
        caller.stores.credentials({ id: "offline" }),
        "PRECONDITION_FAILED",
        /^cluster not connected: /,
      );
      await expectTrpcError(
        caller.stores.resources({ id: "offline" }),
        "PRECONDITION_FAILED",
        /^cluster not connected: /,
      );
      expect(await rowCounts(handle().db)).toEqual(before);
      expect(((await caller.health.check()) as { cluster?: unknown }).cluster).toMatchObject({
        connected: false,
      });
    });

    it("with a reader, passes its data through and audits every credentials reveal", async () => {
      const { reader, calls } = fakeClusterReader();
      const deps = makeDeps(handle(), { clusterReader: reader });
      const { caller, user } = await signedUp(deps);
      const store = await caller.stores.create({ name: "online", engine: "woocommerce" });
      const credentials = await caller.stores.credentials({ id: "online" });
      expect(credentials).toEqual({
        storeId: store.id,
        name: "online",
        adminUrl: "http://online.localhost/wp-admin/",
        username: "admin",
        password: FAKE_STORE_PASSWORD,
        email: "admin@example.test",
      });
      const resources = await caller.stores.resources({ id: store.id });
      expect(resources.problems).toEqual(['ImagePullBackOff: image "wordpress:6" not found']);
      expect(resources.events.map((e) => [e.type, e.reason])).toEqual([["Warning", "BackOff"]]);
      expect(resources.pods[0]?.containers[0]?.waitingReason).toBe("ImagePullBackOff");
      expect(calls).toEqual(["credentials:online", "resources:online"]);
      const audit = await handle()
        .db.selectFrom("audit_log")
        .selectAll()
        .where("action", "=", "store.credentials.reveal")
        .execute();
      expect(audit).toMatchObject([{ actor_user_id: user.id, target_id: store.id }]);
      expect(JSON.stringify(audit)).not.toContain(FAKE_STORE_PASSWORD);
      expect(((await caller.health.check()) as { cluster?: unknown }).cluster).toMatchObject({
        connected: true,
      });
    });

    it("a reader that fails or has no secret yet answers PRECONDITION_FAILED with the reason", async () => {
      const failing = fakeClusterReader({ fail: "connect ECONNREFUSED 127.0.0.1:6443" });
      const { caller } = await signedUp(makeDeps(handle(), { clusterReader: failing.reader }));
      await caller.stores.create({ name: "flaky-cluster", engine: "woocommerce" });
      await expectTrpcError(
        caller.stores.resources({ id: "flaky-cluster" }),
        "PRECONDITION_FAILED",
        /^cluster not connected: reading the store's resources failed: connect ECONNREFUSED/,
      );
      const empty = fakeClusterReader();
      const other = await signedUp(makeDeps(handle(), { clusterReader: empty.reader }));
      await other.caller.stores.create({ name: "no-secret-yet", engine: "woocommerce" });
      await expectTrpcError(
        other.caller.stores.credentials({ id: "no-secret-yet" }),
        "PRECONDITION_FAILED",
        /has no credentials yet/,
      );
    });

    it("a deleted store says its Secret went with its namespace, not 'not created yet'", async () => {
      const { reader, calls } = fakeClusterReader();
      const { caller } = await signedUp(makeDeps(handle(), { clusterReader: reader }));
      const store = await caller.stores.create({ name: "going", engine: "woocommerce" });
      await caller.stores.delete({ id: store.id });
      await setPhase(store.id, "Deleted", { deleted_at: new Date() });
      await expectTrpcError(
        caller.stores.credentials({ id: store.id }),
        "PRECONDITION_FAILED",
        /^credentials: store "going" is deleted; its Secret was removed with its namespace$/,
      );
      expect(calls).not.toContain("credentials:going");
    });
  });

  it("every successful mutation leaves an audit entry with who, what and from where", async () => {
    const { reader } = fakeClusterReader();
    const deps = makeDeps(handle(), { clusterReader: reader });
    const email = "auditor@example.test";
    const { caller } = await signedUp(deps, email);
    const login = await anonymous(deps).auth.login({ email, password: PASSWORD });
    const other = (await caller.auth.sessions()).find((s) => !s.current)!;
    await caller.auth.revokeSession({ id: other.id });
    const token = await caller.tokens.create({ name: "audit" });
    await caller.tokens.revoke({ id: token.info.id });
    const store = await caller.stores.create({ name: "audited", engine: "medusa" });
    await caller.stores.credentials({ id: store.id });
    await setPhase(store.id, "Failed");
    await caller.stores.retry({ id: store.id });
    await caller.stores.delete({ id: store.id });
    await caller.auth.logout();
    expect(login.sessionToken).toBeTruthy();

    const entries = await handle().db.selectFrom("audit_log").selectAll().orderBy("id").execute();
    expect(entries.map((e) => e.action)).toEqual([
      "user.signup",
      "user.login",
      "session.revoke",
      "token.create",
      "token.revoke",
      "store.create",
      "store.credentials.reveal",
      "store.retry",
      "store.delete",
      "session.revoke",
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ actor: `user:${email}`, ip: "127.0.0.1" });
      expect(entry.actor_user_id).toBeTruthy();
    }
    const events = await caller.stores.events({ id: store.id });
    expect(events.map((e) => e.reason)).toEqual([
      "DeleteRequested",
      "RetryRequested",
      "CreateRequested",
    ]);
  });

  it("health tells anonymous callers ok or not ok, nothing about the database or cluster", async () => {
    expect(await anonymous(makeDeps(handle())).health.check()).toEqual({ ok: true });
  });

  it("health reports the database kind", async () => {
    const { caller } = await signedUp(makeDeps(handle()));
    expect(await caller.health.check()).toMatchObject({
      ok: true,
      database: { reachable: true, kind: handle().kind },
    });
  });
});
