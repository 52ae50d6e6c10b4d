// The one redaction list, and the logger factory every process uses (the
// dashboard, the API inside it, the controller, `npm run dev`). It lives here
// because packages/k8s is the lowest package all of them depend on and it
// already uses pino; the store Secret's key names are this package's contract.
//
// Redaction is by key, with pino's `redact` (fast-redact): a secret is
// censored wherever a logged object carries it at the top level or one level
// down, plus the header paths below. A new secret-bearing field gets its key
// added HERE, once, and every process is covered.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { STORE_SECRET_KEYS } from "./store-contract.ts";

export type { Logger };

/** Keys whose values are secrets wherever they appear (top level and one level down). */
const SECRET_KEYS = [
  // Accounts and sessions: passwords, session ids and API tokens.
  "password",
  "newPassword",
  "currentPassword",
  "passwordHash",
  "password_hash",
  "token",
  "sessionToken",
  "apiToken",
  "tokenHash",
  "token_hash",
  "secret",
  "sessionSecret",
  // HTTP credentials.
  "authorization",
  "Authorization",
  "cookie",
  "set-cookie",
  // Kubernetes Secret payloads (a Secret object, or the data handed to it).
  "data",
  "stringData",
  // The store Secret's keys, in case one is logged on its own.
  STORE_SECRET_KEYS.adminPassword,
  STORE_SECRET_KEYS.databasePassword,
  STORE_SECRET_KEYS.databaseRootPassword,
  STORE_SECRET_KEYS.jwtSecret,
  STORE_SECRET_KEYS.cookieSecret,
  // Engine API credentials (WooCommerce REST keys, Medusa keys).
  "consumerKey",
  "consumerSecret",
  "consumer_key",
  "consumer_secret",
  "publishableKey",
] as const;

/** pino path syntax: dotted for plain keys, bracketed for keys such as `admin-password`. */
function pathFor(prefix: string, key: string): string {
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  if (prefix === "") return plain ? key : `["${key}"]`;
  return plain ? `${prefix}.${key}` : `${prefix}["${key}"]`;
}

/** Headers sit two levels down (`req.headers.cookie`): named explicitly. */
const HEADER_PATHS = ["authorization", "cookie", "set-cookie"].flatMap((header) => [
  pathFor("req.headers", header),
  pathFor("res.headers", header),
  pathFor("*.headers", header),
]);

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((key) => [pathFor("", key), pathFor("*", key)]),
  ...HEADER_PATHS,
];

export const REDACT_CENSOR = "[redacted]";

/**
 * A pino logger with the platform's redaction. Any `redact` in `options` is
 * replaced: there is one list.
 */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const withRedaction: LoggerOptions = {
    ...options,
    redact: { paths: [...REDACT_PATHS], censor: REDACT_CENSOR },
  };
  return destination ? pino(withRedaction, destination) : pino(withRedaction);
}
