// In-memory rate limits (one process; a shared store would be needed only
// with several API replicas). Keys: ip+email and ip for logins, ip for
// sign-ups, user id for mutations.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { ApiConfig } from "./env.ts";
import { RateLimitedError } from "./errors.ts";

export interface RateLimiters {
  login: RateLimiterMemory;
  loginPerIp: RateLimiterMemory;
  signup: RateLimiterMemory;
  mutation: RateLimiterMemory;
}

export function createRateLimiters(config: ApiConfig): RateLimiters {
  const make = (limit: { points: number; windowSeconds: number }, keyPrefix: string) =>
    new RateLimiterMemory({ points: limit.points, duration: limit.windowSeconds, keyPrefix });
  return {
    login: make(config.rateLimits.login, "login"),
    loginPerIp: make(config.rateLimits.loginPerIp, "login-ip"),
    signup: make(config.rateLimits.signups, "signup"),
    mutation: make(config.rateLimits.mutations, "mutation"),
  };
}

/** Takes one point for `key`, or throws RateLimitedError naming what was limited. */
export async function consume(limiter: RateLimiterMemory, key: string, what: string) {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      throw new RateLimitedError(what, Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    }
    throw error;
  }
}
