// API tokens for scripts. Only the sha256 of a token and a short display
// prefix are stored; the plaintext is shown once at creation.
import { type Kysely, sql } from "kysely";
import type { ApiToken, Database, User } from "../schema.ts";

export interface CreateApiTokenInput {
  userId: string;
  name: string;
  tokenHash: string;
  tokenPrefix: string;
  expiresAt?: Date | null;
}

export async function createApiToken(
  db: Kysely<Database>,
  input: CreateApiTokenInput,
): Promise<ApiToken> {
  return db
    .insertInto("api_tokens")
    .values({
      user_id: input.userId,
      name: input.name,
      token_hash: input.tokenHash,
      token_prefix: input.tokenPrefix,
      expires_at: input.expiresAt ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The user's tokens that are still usable, newest first. */
export async function listApiTokens(db: Kysely<Database>, userId: string): Promise<ApiToken[]> {
  return db
    .selectFrom("api_tokens")
    .selectAll()
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
}

export async function findApiTokenForUser(
  db: Kysely<Database>,
  input: { id: string; userId: string },
): Promise<ApiToken | undefined> {
  return db
    .selectFrom("api_tokens")
    .selectAll()
    .where("id", "=", input.id)
    .where("user_id", "=", input.userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

/** Revokes one of the user's tokens; false when it does not exist, is not theirs or is already revoked. */
export async function revokeApiToken(
  db: Kysely<Database>,
  input: { id: string; userId: string },
): Promise<boolean> {
  const result = await db
    .updateTable("api_tokens")
    .set({ revoked_at: sql`now()` })
    .where("id", "=", input.id)
    .where("user_id", "=", input.userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface ActiveApiToken {
  token: ApiToken;
  user: User;
}

/** The usable token with this hash (not revoked, not expired) and its user. */
export async function findActiveApiTokenByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<ActiveApiToken | undefined> {
  const token = await db
    .selectFrom("api_tokens")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!token) return undefined;
  const user = await db
    .selectFrom("users")
    .selectAll()
    .where("id", "=", token.user_id)
    .executeTakeFirst();
  return user ? { token, user } : undefined;
}

/** Best-effort "last used" stamp; at most once a minute per token to spare writes. */
export async function touchApiToken(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable("api_tokens")
    .set({ last_used_at: sql`now()` })
    .where("id", "=", id)
    .where((eb) =>
      eb.or([
        eb("last_used_at", "is", null),
        eb("last_used_at", "<", sql<Date>`now() - interval '1 minute'`),
      ]),
    )
    .execute();
}
