import type { Kysely } from "kysely";
import type { Database } from "../src/schema.ts";

let counter = 0;

export async function insertUser(db: Kysely<Database>, role: "admin" | "member" = "member") {
  counter += 1;
  return db
    .insertInto("users")
    .values({
      email: `user${counter}-${Date.now()}@example.test`,
      password_hash: "not-a-real-hash",
      role,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertStores(
  db: Kysely<Database>,
  ownerId: string,
  count: number,
  prefix = "shop",
) {
  const rows = Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${counter}-${i}`,
    engine: "woocommerce" as const,
    plan: "small" as const,
    owner_id: ownerId,
  }));
  counter += 1;
  return db.insertInto("stores").values(rows).returningAll().execute();
}
