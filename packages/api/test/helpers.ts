// Shared test fixtures: deps over a suite's database, and callers for users
// signed up through the real procedures.
import { Writable } from "node:stream";
import type { Database, DatabaseHandle } from "@storeplane/db";
import { TRPCError } from "@trpc/server";
import type { Kysely } from "kysely";
import { expect } from "vitest";
import type { ClusterReader } from "../src/cluster-reader.ts";
import { type ApiConfig, readApiConfig } from "../src/env.ts";
import { createLogger } from "../src/logger.ts";
import { createCaller } from "../src/root.ts";
import { type ApiDeps, createApiDeps, createContext, createContextInner } from "../src/trpc.ts";

export function testConfig(overrides: Record<string, string> = {}): ApiConfig {
  return readApiConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "debug",
    RATE_LIMIT_LOGIN: "100000",
    RATE_LIMIT_LOGIN_PER_IP: "100000",
    RATE_LIMIT_MUTATIONS: "100000",
    RATE_LIMIT_SIGNUPS: "100000",
    ...overrides,
  });
}

/** A pino destination that keeps every line, for assertions on logs. */
export function memoryLogSink(lines: string[] = []) {
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      callback();
    },
  });
  return { lines, stream };
}

export function makeDeps(
  handle: DatabaseHandle,
  options: { config?: ApiConfig; clusterReader?: ClusterReader | null; logLines?: string[] } = {},
): ApiDeps {
  const sink = memoryLogSink(options.logLines);
  return createApiDeps({
    database: handle,
    config: options.config ?? testConfig(),
    logger: createLogger({ level: "debug", destination: sink.stream }),
    clusterReader: options.clusterReader ?? null,
  });
}

let counter = 0;
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}${counter}-${Date.now()}@example.test`;
}

export const PASSWORD = "correct horse battery";

export function anonymous(deps: ApiDeps, ip = "127.0.0.1") {
  return createCaller(createContextInner({ deps, ip, userAgent: "vitest" }));
}

/** Signs a user up through the API and returns a caller authenticated by their session. */
export async function signedUp(deps: ApiDeps, email = uniqueEmail()) {
  const { user, sessionToken } = await anonymous(deps).auth.signup({ email, password: PASSWORD });
  const ctx = await createContext({
    deps,
    headers: {},
    sessionToken,
    ip: "127.0.0.1",
    userAgent: "vitest",
  });
  return { user, sessionToken, caller: createCaller(ctx), ctx };
}

export async function bearerCaller(deps: ApiDeps, token: string) {
  return createCaller(
    await createContext({ deps, headers: { authorization: `Bearer ${token}` }, ip: "127.0.0.1" }),
  );
}

/** Awaits a rejected procedure call and checks its tRPC code (and message). */
export async function expectTrpcError(
  promise: Promise<unknown>,
  code: string,
  message?: string | RegExp,
): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (caught: unknown) => caught,
  );
  if (!(error instanceof TRPCError)) throw error;
  expect({ code: error.code, message: error.message }).toMatchObject({
    code,
    ...(message === undefined ? {} : { message: expect.stringMatching(message) }),
  });
  return error;
}

/** Row counts of every table, to prove a refused call wrote nothing. */
export async function rowCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const tables = [
    "users",
    "sessions",
    "api_tokens",
    "stores",
    "store_events",
    "audit_log",
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as("count"))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.count);
  }
  return counts;
}
