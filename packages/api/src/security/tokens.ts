// Bearer secrets. Both kinds are 32 random bytes (base64url) behind a prefix
// that says what they are; only their sha256 is stored. sha256 (not argon2)
// is right here: the secrets are random, not guessable, and are checked on
// every request.
import { createHash, randomBytes } from "node:crypto";

export const API_TOKEN_PREFIX = "sp_";
export const SESSION_TOKEN_PREFIX = "sps_";

export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function generateSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** What the token list shows: enough to tell tokens apart, far too little to use. */
export function displayPrefix(token: string): string {
  return `${token.slice(0, API_TOKEN_PREFIX.length + 6)}…`;
}

export function isApiToken(secret: string): boolean {
  return secret.startsWith(API_TOKEN_PREFIX);
}

export function isSessionToken(secret: string): boolean {
  return secret.startsWith(SESSION_TOKEN_PREFIX);
}
