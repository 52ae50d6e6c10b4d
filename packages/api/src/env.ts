// The API's slice of the environment, parsed once. Tests and the web app may
// pass their own values (readApiConfig({...})) instead of touching process.env.
import { z } from "zod";

const booleanFromText = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Later sign-ups; the first account (the admin) can always sign up. */
  SIGNUPS_ENABLED: booleanFromText.default(true),
  STORE_LIMIT_PER_USER: positiveInt.default(5),
  STORE_LIMIT_PLATFORM: positiveInt.default(50),
  STORE_BASE_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?$/, "STORE_BASE_DOMAIN must be a host name")
    .default("localhost"),
  STORE_URL_SCHEME: z.enum(["http", "https"]).default("http"),
  /** Session lifetime in seconds (default 14 days). */
  SESSION_TTL: positiveInt.default(14 * 24 * 3600),
  /** Login attempts per ip+email per window. */
  RATE_LIMIT_LOGIN: positiveInt.default(10),
  RATE_LIMIT_LOGIN_WINDOW: positiveInt.default(15 * 60),
  /** Login attempts per ip (any email) per login window: slows password spraying. */
  RATE_LIMIT_LOGIN_PER_IP: positiveInt.default(100),
  /** Mutations per user per window. */
  RATE_LIMIT_MUTATIONS: positiveInt.default(60),
  RATE_LIMIT_MUTATIONS_WINDOW: positiveInt.default(60),
  /** Sign-ups per ip per window. */
  RATE_LIMIT_SIGNUPS: positiveInt.default(20),
  RATE_LIMIT_SIGNUPS_WINDOW: positiveInt.default(3600),
});

export interface ApiConfig {
  nodeEnv: "development" | "test" | "production";
  logLevel: string;
  signupsEnabled: boolean;
  storeLimitPerUser: number;
  storeLimitPlatform: number;
  storeBaseDomain: string;
  storeUrlScheme: "http" | "https";
  sessionTtlSeconds: number;
  rateLimits: {
    login: { points: number; windowSeconds: number };
    loginPerIp: { points: number; windowSeconds: number };
    mutations: { points: number; windowSeconds: number };
    signups: { points: number; windowSeconds: number };
  };
  /** argon2 cost; lowered under NODE_ENV=test so suites stay fast on 2 cores. */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
}

export function readApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const blankAsUnset = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]),
  );
  const parsed = schema.parse(blankAsUnset);
  const test = parsed.NODE_ENV === "test";
  return {
    nodeEnv: parsed.NODE_ENV,
    logLevel: parsed.LOG_LEVEL,
    signupsEnabled: parsed.SIGNUPS_ENABLED,
    storeLimitPerUser: parsed.STORE_LIMIT_PER_USER,
    storeLimitPlatform: parsed.STORE_LIMIT_PLATFORM,
    storeBaseDomain: parsed.STORE_BASE_DOMAIN,
    storeUrlScheme: parsed.STORE_URL_SCHEME,
    sessionTtlSeconds: parsed.SESSION_TTL,
    rateLimits: {
      login: { points: parsed.RATE_LIMIT_LOGIN, windowSeconds: parsed.RATE_LIMIT_LOGIN_WINDOW },
      loginPerIp: {
        points: parsed.RATE_LIMIT_LOGIN_PER_IP,
        windowSeconds: parsed.RATE_LIMIT_LOGIN_WINDOW,
      },
      mutations: {
        points: parsed.RATE_LIMIT_MUTATIONS,
        windowSeconds: parsed.RATE_LIMIT_MUTATIONS_WINDOW,
      },
      signups: {
        points: parsed.RATE_LIMIT_SIGNUPS,
        windowSeconds: parsed.RATE_LIMIT_SIGNUPS_WINDOW,
      },
    },
    // OWASP's argon2id minimum (19 MiB, t=2) in production; a tiny cost in tests.
    argon2: test
      ? { memoryCost: 1024, timeCost: 1, parallelism: 1 }
      : { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 },
  };
}
