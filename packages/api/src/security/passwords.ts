// Password hashing with argon2id. The cost comes from config so tests can
// lower it; verification reads the cost from the stored hash.
import argon2 from "argon2";
import type { ApiConfig } from "../env.ts";

export function hashPassword(password: string, config: ApiConfig): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...config.argon2 });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash is a wrong password, not a server error.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification, so a login for an unknown email
 * takes as long as one with a wrong password and does not reveal which it was.
 */
export async function verifyAgainstDummy(password: string, config: ApiConfig): Promise<void> {
  dummyHash ??= hashPassword("storeplane-dummy-password", config);
  await verifyPassword(await dummyHash, password);
}
