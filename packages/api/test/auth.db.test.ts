// Accounts, sessions and API tokens through the real procedures.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { createCaller, createServerCaller } from "../src/root.ts";
import { hashSecret } from "../src/security/tokens.ts";
import { createContext } from "../src/trpc.ts";
import {
  anonymous,
  bearerCaller,
  expectTrpcError,
  makeDeps,
  PASSWORD,
  rowCounts,
  signedUp,
  testConfig,
  uniqueEmail,
} from "./helpers.ts";

describeEachDatabase("auth and tokens", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  describe("sign-up", () => {
    it("makes the first account admin and later ones members, and signs them in", async () => {
      const deps = makeDeps(handle());
      const first = await signedUp(deps);
      const second = await signedUp(deps);
      expect(first.user.role).toBe("admin");
      expect(second.user.role).toBe("member");
      expect(first.sessionToken).toMatch(/^sps_[A-Za-z0-9_-]{43}$/);
      expect(await first.caller.auth.me()).toMatchObject({ id: first.user.id, role: "admin" });
      const [row] = await handle()
        .db.selectFrom("users")
        .select("password_hash")
        .limit(1)
        .execute();
      expect(row?.password_hash).toMatch(/^\$argon2id\$/);
    });

    it("with sign-ups disabled still lets the first account in, then refuses", async () => {
      const deps = makeDeps(handle(), { config: testConfig({ SIGNUPS_ENABLED: "false" }) });
      const first = await signedUp(deps);
      expect(first.user.role).toBe("admin");
      const before = await rowCounts(handle().db);
      await expectTrpcError(
        anonymous(deps).auth.signup({ email: uniqueEmail(), password: PASSWORD }),
        "FORBIDDEN",
        /sign-ups are disabled/,
      );
      expect(await rowCounts(handle().db)).toEqual(before);
    });

    it("refuses an email that is registered, in any letter case", async () => {
      const deps = makeDeps(handle());
      const email = uniqueEmail("dup");
      await signedUp(deps, email);
      await expectTrpcError(
        anonymous(deps).auth.signup({ email: email.toUpperCase(), password: PASSWORD }),
        "CONFLICT",
        /^email: is already registered$/,
      );
    });

    it("writes an audit entry with ip and user agent", async () => {
      const deps = makeDeps(handle());
      const { user } = await signedUp(deps);
      const entries = await handle().db.selectFrom("audit_log").selectAll().execute();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: "user.signup",
        actor_user_id: user.id,
        target_id: user.id,
        ip: "127.0.0.1",
        user_agent: "vitest",
      });
    });
  });

  describe("login", () => {
    it("returns a new session for the right password", async () => {
      const deps = makeDeps(handle());
      const email = uniqueEmail();
      const { user } = await signedUp(deps, email);
      const result = await anonymous(deps).auth.login({
        email: email.toUpperCase(),
        password: PASSWORD,
      });
      expect(result.user.id).toBe(user.id);
      const me = createCaller(
        await createContext({ deps, headers: {}, sessionToken: result.sessionToken }),
      );
      expect((await me.auth.me())?.id).toBe(user.id);
    });

    it("answers a wrong password and an unknown email with the same error", async () => {
      const deps = makeDeps(handle());
      const email = uniqueEmail();
      await signedUp(deps, email);
      const wrong = await expectTrpcError(
        anonymous(deps).auth.login({ email, password: "not the password" }),
        "UNAUTHORIZED",
      );
      const unknown = await expectTrpcError(
        anonymous(deps).auth.login({ email: uniqueEmail("nobody"), password: PASSWORD }),
        "UNAUTHORIZED",
      );
      expect(wrong.message).toBe("invalid email or password");
      expect(unknown.message).toBe(wrong.message);
    });

    it("limits attempts per ip and email, saying when to retry", async () => {
      const deps = makeDeps(handle(), { config: testConfig({ RATE_LIMIT_LOGIN: "3" }) });
      const email = uniqueEmail();
      await signedUp(deps, email);
      for (let i = 0; i < 3; i++) {
        await expectTrpcError(
          anonymous(deps).auth.login({ email, password: "wrong password" }),
          "UNAUTHORIZED",
        );
      }
      await expectTrpcError(
        anonymous(deps).auth.login({ email, password: PASSWORD }),
        "TOO_MANY_REQUESTS",
        /^login: too many requests, try again in \d+s$/,
      );
      // Another address is not held back by these attempts.
      await expect(
        anonymous(deps, "10.0.0.9").auth.login({ email, password: PASSWORD }),
      ).resolves.toBeTruthy();
    });

    it("limits login attempts per ip across emails (password spraying)", async () => {
      const deps = makeDeps(handle(), { config: testConfig({ RATE_LIMIT_LOGIN_PER_IP: "3" }) });
      for (let i = 0; i < 3; i++) {
        await expectTrpcError(
          anonymous(deps, "10.1.1.1").auth.login({ email: uniqueEmail(), password: PASSWORD }),
          "UNAUTHORIZED",
        );
      }
      await expectTrpcError(
        anonymous(deps, "10.1.1.1").auth.login({ email: uniqueEmail(), password: PASSWORD }),
        "TOO_MANY_REQUESTS",
      );
    });
  });

  describe("sessions", () => {
    it("logout revokes the session: the cookie path becomes anonymous, the bearer path UNAUTHORIZED", async () => {
      const deps = makeDeps(handle());
      const { caller, sessionToken } = await signedUp(deps);
      expect((await (await bearerCaller(deps, sessionToken)).auth.me())?.role).toBe("admin");
      await caller.auth.logout();
      const viaCookie = createCaller(await createContext({ deps, headers: {}, sessionToken }));
      expect(await viaCookie.auth.me()).toBeNull();
      await expectTrpcError(viaCookie.stores.list(), "UNAUTHORIZED");
      await expectTrpcError((await bearerCaller(deps, sessionToken)).auth.me(), "UNAUTHORIZED");
    });

    it("createServerCaller uses the cookie's session and ignores any Authorization header", async () => {
      const deps = makeDeps(handle());
      const admin = await signedUp(deps);
      const member = await signedUp(deps);
      const { token } = await admin.caller.tokens.create({ name: "admin" });
      const api = await createServerCaller({
        deps,
        headers: new Headers({ authorization: `Bearer ${token}`, "user-agent": "browser" }),
        sessionToken: member.sessionToken,
      });
      expect((await api.auth.me())?.id).toBe(member.user.id);
      const anonymousApi = await createServerCaller({
        deps,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await anonymousApi.auth.me()).toBeNull();
    });

    it("an expired session does not authenticate", async () => {
      const deps = makeDeps(handle());
      const { sessionToken } = await signedUp(deps);
      await handle()
        .db.updateTable("sessions")
        .set({ expires_at: sql`now() - interval '1 second'` })
        .where("token_hash", "=", hashSecret(sessionToken))
        .execute();
      await expectTrpcError((await bearerCaller(deps, sessionToken)).stores.list(), "UNAUTHORIZED");
    });

    it("lists live sessions, marks the current one, and revokes another", async () => {
      const deps = makeDeps(handle());
      const email = uniqueEmail();
      const { caller } = await signedUp(deps, email);
      const other = await anonymous(deps).auth.login({ email, password: PASSWORD });
      const sessions = await caller.auth.sessions();
      expect(sessions).toHaveLength(2);
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
      const target = sessions.find((s) => !s.current)!;
      await caller.auth.revokeSession({ id: target.id });
      await expectTrpcError(
        (await bearerCaller(deps, other.sessionToken)).auth.me(),
        "UNAUTHORIZED",
      );
      await expectTrpcError(caller.auth.revokeSession({ id: target.id }), "NOT_FOUND");
    });
  });

  describe("API tokens", () => {
    it("creates a token shown once, lists it by prefix only, and authenticates with it", async () => {
      const deps = makeDeps(handle());
      const { caller, user } = await signedUp(deps);
      const created = await caller.tokens.create({ name: "ci" });
      expect(created.token).toMatch(/^sp_[A-Za-z0-9_-]{43}$/);
      expect(created.info.prefix).toBe(`${created.token.slice(0, 9)}…`);
      const listed = await caller.tokens.list();
      expect(listed).toEqual([created.info]);
      expect(JSON.stringify(listed)).not.toContain(created.token);
      const viaToken = await bearerCaller(deps, created.token);
      expect((await viaToken.auth.me())?.id).toBe(user.id);
      const [row] = await handle().db.selectFrom("api_tokens").selectAll().execute();
      expect(row?.token_hash).toBe(hashSecret(created.token));
      expect(row?.last_used_at).not.toBeNull();
    });

    it("a revoked, expired or unknown token answers UNAUTHORIZED on every procedure", async () => {
      const deps = makeDeps(handle());
      const { caller } = await signedUp(deps);
      const revoked = await caller.tokens.create({ name: "revoked" });
      await caller.tokens.revoke({ id: revoked.info.id });
      const expired = await caller.tokens.create({ name: "expired", expiresInDays: 1 });
      await handle()
        .db.updateTable("api_tokens")
        .set({ expires_at: sql`now() - interval '1 second'` })
        .where("id", "=", expired.info.id)
        .execute();
      for (const token of [revoked.token, expired.token, "sp_unknown", "sps_unknown", "garbage"]) {
        const bad = await bearerCaller(deps, token);
        await expectTrpcError(bad.auth.me(), "UNAUTHORIZED", /invalid, expired or revoked token/);
        await expectTrpcError(bad.health.check(), "UNAUTHORIZED");
        await expectTrpcError(bad.stores.list(), "UNAUTHORIZED");
        await expectTrpcError(bad.stores.create({ name: "abc", engine: "medusa" }), "UNAUTHORIZED");
      }
      expect(await caller.tokens.list()).toEqual([expect.objectContaining({ name: "expired" })]);
    });

    it("another user's token cannot be revoked (NOT_FOUND) and stays usable", async () => {
      const deps = makeDeps(handle());
      const a = await signedUp(deps);
      const b = await signedUp(deps);
      const token = await a.caller.tokens.create({ name: "mine" });
      await expectTrpcError(b.caller.tokens.revoke({ id: token.info.id }), "NOT_FOUND");
      expect(await (await bearerCaller(deps, token.token)).auth.me()).toBeTruthy();
    });

    it("mutations are rate limited per user", async () => {
      const deps = makeDeps(handle(), { config: testConfig({ RATE_LIMIT_MUTATIONS: "2" }) });
      const { caller } = await signedUp(deps);
      await caller.tokens.create({ name: "one" });
      await caller.tokens.create({ name: "two" });
      await expectTrpcError(
        caller.tokens.create({ name: "three" }),
        "TOO_MANY_REQUESTS",
        /mutations: too many requests, try again in \d+s/,
      );
      // Reads are not limited.
      expect(await caller.tokens.list()).toHaveLength(2);
    });
  });
});
