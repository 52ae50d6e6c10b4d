// Property-based: malformed input to every mutation is refused as BAD_REQUEST
// with a message per field, never an internal error, and writes nothing.
// A second property feeds arbitrary text into the free-text fields that pass
// validation: whatever is accepted must be stored without a server error.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import type { z } from "zod";
import { idInput, loginInput, signupInput } from "../src/schemas/auth.ts";
import { noInput } from "../src/schemas/common.ts";
import { createStoreInput, storeRefInput } from "../src/schemas/stores.ts";
import { createTokenInput } from "../src/schemas/tokens.ts";
import { type ApiDeps, getFieldErrors } from "../src/trpc.ts";
import { anonymous, makeDeps, PASSWORD, rowCounts, signedUp } from "./helpers.ts";

type Caller = Awaited<ReturnType<typeof signedUp>>["caller"];

const junk = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "admin",
    "x".repeat(500),
    "../../etc",
    "'; drop table users; --",
  ),
);

/** Inputs shaped like the real one, with any subset of fields replaced by junk, plus whole-input junk. */
function malformed(valid: Record<string, unknown>) {
  const keys = Object.keys(valid);
  const keep = Symbol("keep");
  const partial = fc
    .record(
      Object.fromEntries(
        keys.map((key) => [key, fc.option(junk as fc.Arbitrary<unknown>, { nil: keep })]),
      ),
    )
    .map((patch) =>
      Object.fromEntries(keys.map((key) => [key, patch[key] === keep ? valid[key] : patch[key]])),
    );
  return fc.oneof(partial, junk);
}

interface Mutation {
  name: string;
  schema: z.ZodType;
  valid: Record<string, unknown>;
  call(
    callers: { anonymous: ReturnType<typeof anonymous>; user: Caller },
    input: unknown,
  ): Promise<unknown>;
}

const someId = "6f1c2e9a-3b4d-4e5f-8a7b-9c0d1e2f3a4b";

const MUTATIONS: Mutation[] = [
  {
    name: "auth.signup",
    schema: signupInput,
    valid: { email: "new@example.test", password: PASSWORD },
    call: (c, input) => c.anonymous.auth.signup(input as never),
  },
  {
    name: "auth.login",
    schema: loginInput,
    valid: { email: "someone@example.test", password: PASSWORD },
    call: (c, input) => c.anonymous.auth.login(input as never),
  },
  {
    name: "auth.logout",
    schema: noInput,
    valid: {},
    call: (c, input) => c.user.auth.logout(input as never),
  },
  {
    name: "auth.revokeSession",
    schema: idInput,
    valid: { id: someId },
    call: (c, input) => c.user.auth.revokeSession(input as never),
  },
  {
    name: "tokens.create",
    schema: createTokenInput,
    valid: { name: "ci", expiresInDays: 30 },
    call: (c, input) => c.user.tokens.create(input as never),
  },
  {
    name: "tokens.revoke",
    schema: idInput,
    valid: { id: someId },
    call: (c, input) => c.user.tokens.revoke(input as never),
  },
  {
    name: "stores.create",
    schema: createStoreInput,
    valid: {
      name: "fuzzed-shop",
      engine: "woocommerce",
      plan: "small",
      idempotencyKey: "fuzz-key-1",
    },
    call: (c, input) => c.user.stores.create(input as never),
  },
  {
    name: "stores.delete",
    schema: storeRefInput,
    valid: { id: "fuzzed-shop" },
    call: (c, input) => c.user.stores.delete(input as never),
  },
  {
    name: "stores.retry",
    schema: storeRefInput,
    valid: { id: "fuzzed-shop" },
    call: (c, input) => c.user.stores.retry(input as never),
  },
  {
    name: "stores.credentials",
    schema: storeRefInput,
    valid: { id: "fuzzed-shop" },
    call: (c, input) => c.user.stores.credentials(input as never),
  },
];

describeEachDatabase("malformed input to every mutation", ({ handle }) => {
  let deps: ApiDeps;
  let callers: { anonymous: ReturnType<typeof anonymous>; user: Caller };
  beforeAll(async () => {
    await resetDatabase(handle());
    deps = makeDeps(handle());
    callers = { anonymous: anonymous(deps), user: (await signedUp(deps)).caller };
  });

  it.each(MUTATIONS.map((m) => [m.name, m] as const))(
    "%s: BAD_REQUEST with field messages, never INTERNAL_SERVER_ERROR, nothing written",
    async (_name, mutation) => {
      await fc.assert(
        fc.asyncProperty(malformed(mutation.valid), async (input) => {
          fc.pre(!mutation.schema.safeParse(input).success);
          const before = await rowCounts(handle().db);
          const error = await mutation.call(callers, input).then(
            () => new Error(`accepted malformed input ${JSON.stringify(input)}`),
            (caught: unknown) => caught,
          );
          expect(error).toBeInstanceOf(TRPCError);
          expect((error as TRPCError).code).toBe("BAD_REQUEST");
          const fieldErrors = getFieldErrors(error);
          expect(fieldErrors).toBeDefined();
          const entries = Object.entries(fieldErrors ?? {});
          expect(entries.length).toBeGreaterThan(0);
          for (const [field, messages] of entries) {
            expect(field).not.toBe("");
            expect(messages.every((m) => m.length > 0)).toBe(true);
            expect((error as TRPCError).message).toContain(`${field}: `);
          }
          expect(await rowCounts(handle().db)).toEqual(before);
        }),
        { numRuns: 40 },
      );
    },
  );

  it("arbitrary text that passes validation is stored or refused cleanly, never a server error", async () => {
    const text = fc.string({ unit: "binary", minLength: 1, maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(text, text, async (tokenName, password) => {
        const outcomes = await Promise.allSettled([
          callers.user.tokens.create({ name: tokenName }),
          callers.anonymous.auth.login({ email: "fuzz@example.test", password }),
          callers.user.stores.get({ id: tokenName }),
        ]);
        for (const outcome of outcomes) {
          if (outcome.status === "rejected") {
            expect(outcome.reason).toBeInstanceOf(TRPCError);
            expect((outcome.reason as TRPCError).code).not.toBe("INTERNAL_SERVER_ERROR");
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
