// The one mapping from domain errors to tRPC codes, and config parsing.
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { readApiConfig } from "../src/env.ts";
import {
  ClusterNotConnectedError,
  ConflictError,
  FieldValidationError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  storeNotFound,
  summarizeFieldErrors,
  toTRPCError,
  UnauthorizedError,
} from "../src/errors.ts";

describe("toTRPCError", () => {
  it.each([
    [new NotFoundError("x"), "NOT_FOUND"],
    [new ConflictError("x"), "CONFLICT"],
    [new QuotaExceededError("quota: you already have 5 of 5 stores"), "PRECONDITION_FAILED"],
    [new InvalidStateError("x"), "PRECONDITION_FAILED"],
    [new ClusterNotConnectedError("no reader"), "PRECONDITION_FAILED"],
    [new UnauthorizedError("x"), "UNAUTHORIZED"],
    [new ForbiddenError("x"), "FORBIDDEN"],
    [new RateLimitedError("login", 12), "TOO_MANY_REQUESTS"],
    [new FieldValidationError("name", "is taken"), "BAD_REQUEST"],
  ])("%s → %s", (error, code) => {
    const mapped = toTRPCError(error);
    expect(mapped?.code).toBe(code);
    expect(mapped?.message).toBe(error.message);
    // Also when tRPC has already wrapped it as an internal error.
    expect(toTRPCError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error }))?.code).toBe(
      code,
    );
  });

  it("leaves other errors alone", () => {
    expect(toTRPCError(new Error("boom"))).toBeUndefined();
  });

  it("words messages for people", () => {
    expect(new RateLimitedError("login", 12).message).toBe(
      "login: too many requests, try again in 12s",
    );
    expect(new ClusterNotConnectedError("no reader").message).toBe(
      "cluster not connected: no reader",
    );
    expect(storeNotFound("shop").message).toBe("store not found: shop");
    expect(summarizeFieldErrors({ name: ["a", "b"], plan: ["c"] })).toBe("name: a, b; plan: c");
  });
});

describe("readApiConfig", () => {
  it("has the documented defaults", () => {
    const config = readApiConfig({});
    expect(config).toMatchObject({
      signupsEnabled: true,
      storeLimitPerUser: 5,
      storeLimitPlatform: 50,
      storeBaseDomain: "localhost",
      storeUrlScheme: "http",
    });
    expect(config.argon2.memoryCost).toBeGreaterThanOrEqual(19 * 1024);
  });

  it("parses overrides, treats blanks as unset, and refuses nonsense", () => {
    expect(
      readApiConfig({ SIGNUPS_ENABLED: "false", STORE_LIMIT_PER_USER: "", NODE_ENV: "test" }),
    ).toMatchObject({
      signupsEnabled: false,
      storeLimitPerUser: 5,
      argon2: { memoryCost: 1024 },
    });
    expect(() => readApiConfig({ STORE_LIMIT_PLATFORM: "-1" })).toThrow();
    expect(() => readApiConfig({ STORE_URL_SCHEME: "ftp" })).toThrow();
  });
});
