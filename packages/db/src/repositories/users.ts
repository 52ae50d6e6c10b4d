// Accounts. Emails are unique case-insensitively (the users_email_key index is
// on lower(email)), so every lookup lowercases too.
import { type Kysely, sql } from "kysely";
import type { UserRole } from "../domain.ts";
import type { Database, User } from "../schema.ts";

export interface CreateUserInput {
  email: string;
  passwordHash: string;
  role: UserRole;
  storeLimit?: number | null;
}

export async function createUser(db: Kysely<Database>, input: CreateUserInput): Promise<User> {
  return db
    .insertInto("users")
    .values({
      email: input.email,
      password_hash: input.passwordHash,
      role: input.role,
      store_limit: input.storeLimit ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<User | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  return db.selectFrom("users").selectAll().orderBy("created_at").orderBy("id").execute();
}

/**
 * Serializes sign-ups for the rest of the transaction, so that of two
 * concurrent first sign-ups exactly one sees an empty table and becomes admin.
 */
export async function lockSignups(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SIGNUP_LOCK_CLASS}, 0)`.execute(trx);
}

const SIGNUP_LOCK_CLASS = 4_201;
