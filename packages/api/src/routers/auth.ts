import {
  countUsers,
  createSession,
  createUser,
  type Database,
  findUserByEmail,
  listActiveSessions,
  lockSignups,
  revokeSession,
  type User,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import { audit } from "../audit.ts";
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from "../errors.ts";
import { consume } from "../rate-limit.ts";
import { idInput, loginInput, signupInput } from "../schemas/auth.ts";
import { noInput } from "../schemas/common.ts";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "../security/passwords.ts";
import { generateSessionToken, hashSecret } from "../security/tokens.ts";
import { type Context, protectedProcedure, publicProcedure, router } from "../trpc.ts";
import { toPublicUser, toSessionView } from "../views.ts";

const INVALID_LOGIN = "invalid email or password";

const signupsDisabled = () =>
  new ForbiddenError("signup: sign-ups are disabled on this platform; ask an admin");

async function startSession(trx: Kysely<Database>, ctx: Context, user: User) {
  const sessionToken = generateSessionToken();
  const session = await createSession(trx, {
    userId: user.id,
    tokenHash: hashSecret(sessionToken),
    expiresAt: new Date(Date.now() + ctx.config.sessionTtlSeconds * 1000),
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  });
  return { sessionToken, session };
}

export const authRouter = router({
  /** The first account becomes admin; later ones need SIGNUPS_ENABLED. Signs the new user in. */
  signup: publicProcedure.input(signupInput).mutation(async ({ ctx, input }) => {
    await consume(ctx.limiters.signup, ctx.ip ?? "unknown", "signup");
    // Refuse before spending argon2's memory and time when sign-ups are closed.
    if (!ctx.config.signupsEnabled && (await countUsers(ctx.db)) > 0) throw signupsDisabled();
    // Hash before taking the sign-up lock: argon2 is the slow part.
    const passwordHash = await hashPassword(input.password, ctx.config);
    const result = await ctx.db.transaction().execute(async (trx) => {
      await lockSignups(trx);
      const first = (await countUsers(trx)) === 0;
      if (!first && !ctx.config.signupsEnabled) throw signupsDisabled();
      if (await findUserByEmail(trx, input.email)) {
        throw new ConflictError("email: is already registered", {
          email: ["is already registered"],
        });
      }
      const user = await createUser(trx, {
        email: input.email,
        passwordHash,
        role: first ? "admin" : "member",
      });
      const { sessionToken, session } = await startSession(trx, ctx, user);
      await audit(trx, ctx, {
        actor: { userId: user.id, name: `user:${user.email}` },
        action: "user.signup",
        targetType: "user",
        targetId: user.id,
        details: { role: user.role, sessionId: session.id },
      });
      return { user, sessionToken, session };
    });
    return {
      user: toPublicUser(result.user),
      sessionToken: result.sessionToken,
      expiresAt: result.session.expires_at,
    };
  }),

  /** Wrong password and unknown email answer the same, after the same work. */
  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    await consume(ctx.limiters.loginPerIp, ctx.ip ?? "unknown", "login");
    await consume(ctx.limiters.login, `${ctx.ip ?? "unknown"}|${input.email}`, "login");
    const user = await findUserByEmail(ctx.db, input.email);
    if (!user) {
      await verifyAgainstDummy(input.password, ctx.config);
      throw new UnauthorizedError(INVALID_LOGIN);
    }
    if (!(await verifyPassword(user.password_hash, input.password))) {
      throw new UnauthorizedError(INVALID_LOGIN);
    }
    const { sessionToken, session } = await ctx.db.transaction().execute(async (trx) => {
      const started = await startSession(trx, ctx, user);
      await audit(trx, ctx, {
        actor: { userId: user.id, name: `user:${user.email}` },
        action: "user.login",
        targetType: "user",
        targetId: user.id,
        details: { sessionId: started.session.id },
      });
      return started;
    });
    return { user: toPublicUser(user), sessionToken, expiresAt: session.expires_at };
  }),

  /** Ends the current session (a no-op for API tokens: revoke those with tokens.revoke). */
  logout: publicProcedure.input(noInput).mutation(async ({ ctx }) => {
    const auth = ctx.auth;
    if (!auth?.sessionId) return { ok: true as const };
    const sessionId = auth.sessionId;
    await ctx.db.transaction().execute(async (trx) => {
      if (await revokeSession(trx, { id: sessionId, userId: auth.user.id })) {
        await audit(trx, ctx, {
          action: "session.revoke",
          targetType: "session",
          targetId: sessionId,
          details: { reason: "logout" },
        });
      }
    });
    return { ok: true as const };
  }),

  /** The signed-in user, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.auth?.user ?? null),

  sessions: protectedProcedure.query(async ({ ctx }) => {
    const sessions = await listActiveSessions(ctx.db, ctx.auth.user.id);
    return sessions.map((session) => toSessionView(session, ctx.auth.sessionId));
  }),

  revokeSession: protectedProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await revokeSession(trx, { id: input.id, userId: ctx.auth.user.id }))) {
        throw new NotFoundError(`session not found: ${input.id}`);
      }
      await audit(trx, ctx, {
        action: "session.revoke",
        targetType: "session",
        targetId: input.id,
      });
    });
    return { ok: true as const };
  }),
});
