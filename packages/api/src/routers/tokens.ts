import { createApiToken, listApiTokens, revokeApiToken } from "@storeplane/db";
import { audit } from "../audit.ts";
import { NotFoundError } from "../errors.ts";
import { idInput } from "../schemas/auth.ts";
import { createTokenInput } from "../schemas/tokens.ts";
import { displayPrefix, generateApiToken, hashSecret } from "../security/tokens.ts";
import { protectedProcedure, router } from "../trpc.ts";
import { toTokenView } from "../views.ts";

const DAY_MS = 24 * 3600 * 1000;

export const tokensRouter = router({
  /** The plaintext token is in this response only; the server keeps its hash. */
  create: protectedProcedure.input(createTokenInput).mutation(async ({ ctx, input }) => {
    const token = generateApiToken();
    const row = await ctx.db.transaction().execute(async (trx) => {
      const created = await createApiToken(trx, {
        userId: ctx.auth.user.id,
        name: input.name,
        tokenHash: hashSecret(token),
        tokenPrefix: displayPrefix(token),
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null,
      });
      await audit(trx, ctx, {
        action: "token.create",
        targetType: "api_token",
        targetId: created.id,
        details: { name: created.name, prefix: created.token_prefix },
      });
      return created;
    });
    return { token, info: toTokenView(row) };
  }),

  list: protectedProcedure.query(async ({ ctx }) => {
    const tokens = await listApiTokens(ctx.db, ctx.auth.user.id);
    return tokens.map(toTokenView);
  }),

  revoke: protectedProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await ctx.db.transaction().execute(async (trx) => {
      if (!(await revokeApiToken(trx, { id: input.id, userId: ctx.auth.user.id }))) {
        throw new NotFoundError(`token not found: ${input.id}`);
      }
      await audit(trx, ctx, {
        action: "token.revoke",
        targetType: "api_token",
        targetId: input.id,
      });
    });
    return { ok: true as const };
  }),
});
