// Dashboard and CLI sessions. Only the sha256 of the session token is stored;
// a session is usable while it is neither revoked nor expired.
import { type Kysely, sql } from "kysely";
import type { Database, Session, User } from "../schema.ts";

export interface CreateSessionInput {
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  csrfHash?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export async function createSession(
  db: Kysely<Database>,
  input: CreateSessionInput,
): Promise<Session> {
  return db
    .insertInto("sessions")
    .values({
      user_id: input.userId,
      token_hash: input.tokenHash,
      expires_at: input.expiresAt,
      csrf_hash: input.csrfHash ?? null,
      ip: input.ip ?? null,
      user_agent: input.userAgent ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface ActiveSession {
  session: Session;
  user: User;
}

/** The live session with this token hash and its user, or undefined. */
export async function findActiveSessionByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<ActiveSession | undefined> {
  const session = await db
    .selectFrom("sessions")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  if (!session) return undefined;
  const user = await db
    .selectFrom("users")
    .selectAll()
    .where("id", "=", session.user_id)
    .executeTakeFirst();
  return user ? { session, user } : undefined;
}

/** Live sessions of a user, newest first. */
export async function listActiveSessions(db: Kysely<Database>, userId: string): Promise<Session[]> {
  return db
    .selectFrom("sessions")
    .selectAll()
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .orderBy("created_at", "desc")
    .execute();
}

/** Revokes one of the user's live sessions; false when there is no such session. */
export async function revokeSession(
  db: Kysely<Database>,
  input: { id: string; userId: string },
): Promise<boolean> {
  const result = await db
    .updateTable("sessions")
    .set({ revoked_at: sql`now()` })
    .where("id", "=", input.id)
    .where("user_id", "=", input.userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Best-effort activity stamp; at most once a minute per session to spare writes. */
export async function touchSession(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable("sessions")
    .set({ last_seen_at: sql`now()` })
    .where("id", "=", id)
    .where("last_seen_at", "<", sql<Date>`now() - interval '1 minute'`)
    .execute();
}
