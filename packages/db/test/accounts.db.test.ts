import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import {
  createApiToken,
  findActiveApiTokenByHash,
  findApiTokenForUser,
  listApiTokens,
  revokeApiToken,
  touchApiToken,
} from "../src/repositories/api-tokens.ts";
import {
  createSession,
  findActiveSessionByHash,
  listActiveSessions,
  revokeSession,
} from "../src/repositories/sessions.ts";
import {
  countUsers,
  createUser,
  findUserByEmail,
  findUserById,
  listUsers,
  lockSignups,
} from "../src/repositories/users.ts";
import { describeEachDatabase, resetDatabase } from "../testing/index.ts";

const inAnHour = () => new Date(Date.now() + 3600_000);

describeEachDatabase("accounts repositories", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  describe("users", () => {
    it("creates users and finds them by id and by email in any case", async () => {
      const { db } = handle();
      const user = await createUser(db, {
        email: "Ada@Example.test",
        passwordHash: "h",
        role: "admin",
      });
      expect(user).toMatchObject({ role: "admin", store_limit: null });
      expect((await findUserByEmail(db, "ada@example.TEST"))?.id).toBe(user.id);
      expect((await findUserById(db, user.id))?.email).toBe("Ada@Example.test");
      expect(await findUserByEmail(db, "nobody@example.test")).toBeUndefined();
      expect(await countUsers(db)).toBe(1);
      await createUser(db, {
        email: "b@example.test",
        passwordHash: "h",
        role: "member",
        storeLimit: 2,
      });
      expect((await listUsers(db)).map((u) => u.store_limit)).toEqual([null, 2]);
    });

    it("refuses a second account with the same email in another case", async () => {
      const { db } = handle();
      await createUser(db, { email: "dup@example.test", passwordHash: "h", role: "member" });
      await expect(
        createUser(db, { email: "DUP@example.test", passwordHash: "h", role: "member" }),
      ).rejects.toMatchObject({ code: "23505" });
    });

    it("lockSignups works inside a transaction", async () => {
      const { db } = handle();
      const count = await db.transaction().execute(async (trx) => {
        await lockSignups(trx);
        return countUsers(trx);
      });
      expect(count).toBe(0);
    });
  });

  describe("sessions", () => {
    it("finds only live sessions: not revoked, not expired", async () => {
      const { db } = handle();
      const user = await createUser(db, {
        email: "s@example.test",
        passwordHash: "h",
        role: "member",
      });
      const live = await createSession(db, {
        userId: user.id,
        tokenHash: "live",
        expiresAt: inAnHour(),
        ip: "1.2.3.4",
      });
      const expired = await createSession(db, {
        userId: user.id,
        tokenHash: "expired",
        expiresAt: new Date(Date.now() - 1000),
      });
      const revoked = await createSession(db, {
        userId: user.id,
        tokenHash: "revoked",
        expiresAt: inAnHour(),
      });
      expect(await revokeSession(db, { id: revoked.id, userId: user.id })).toBe(true);
      expect(await revokeSession(db, { id: revoked.id, userId: user.id })).toBe(false);

      expect((await findActiveSessionByHash(db, "live"))?.user.id).toBe(user.id);
      expect(await findActiveSessionByHash(db, "expired")).toBeUndefined();
      expect(await findActiveSessionByHash(db, "revoked")).toBeUndefined();
      expect((await listActiveSessions(db, user.id)).map((s) => s.id)).toEqual([live.id]);
      expect(expired.ip).toBeNull();
    });

    it("a user cannot revoke another user's session", async () => {
      const { db } = handle();
      const a = await createUser(db, {
        email: "a@example.test",
        passwordHash: "h",
        role: "member",
      });
      const b = await createUser(db, {
        email: "b@example.test",
        passwordHash: "h",
        role: "member",
      });
      const session = await createSession(db, {
        userId: a.id,
        tokenHash: "x",
        expiresAt: inAnHour(),
      });
      expect(await revokeSession(db, { id: session.id, userId: b.id })).toBe(false);
      expect(await findActiveSessionByHash(db, "x")).toBeDefined();
    });
  });

  describe("API tokens", () => {
    it("finds usable tokens by hash, lists a user's unrevoked tokens, stamps last use", async () => {
      const { db } = handle();
      const user = await createUser(db, {
        email: "t@example.test",
        passwordHash: "h",
        role: "member",
      });
      const other = await createUser(db, {
        email: "o@example.test",
        passwordHash: "h",
        role: "member",
      });
      const token = await createApiToken(db, {
        userId: user.id,
        name: "ci",
        tokenHash: "h1",
        tokenPrefix: "sp_abc…",
      });
      const expired = await createApiToken(db, {
        userId: user.id,
        name: "old",
        tokenHash: "h2",
        tokenPrefix: "sp_def…",
        expiresAt: new Date(Date.now() - 1000),
      });
      expect((await findActiveApiTokenByHash(db, "h1"))?.user.id).toBe(user.id);
      expect(await findActiveApiTokenByHash(db, "h2")).toBeUndefined();
      expect((await listApiTokens(db, user.id)).map((t) => t.id).sort()).toEqual(
        [token.id, expired.id].sort(),
      );

      await touchApiToken(db, token.id);
      const touched = await findApiTokenForUser(db, { id: token.id, userId: user.id });
      expect(touched?.last_used_at).toBeInstanceOf(Date);
      // A second touch within the minute does not write again.
      await touchApiToken(db, token.id);
      const again = await findApiTokenForUser(db, { id: token.id, userId: user.id });
      expect(again?.last_used_at?.getTime()).toBe(touched?.last_used_at?.getTime());

      expect(await revokeApiToken(db, { id: token.id, userId: other.id })).toBe(false);
      expect(await revokeApiToken(db, { id: token.id, userId: user.id })).toBe(true);
      expect(await findActiveApiTokenByHash(db, "h1")).toBeUndefined();
      expect((await listApiTokens(db, user.id)).map((t) => t.id)).toEqual([expired.id]);
      const [row] = await sql<{ n: number }>`select count(*)::int as n from api_tokens`
        .execute(db)
        .then((r) => r.rows);
      expect(row?.n).toBe(2);
    });
  });
});
