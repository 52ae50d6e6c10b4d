// Shared test fixtures: deps over a suite's database, and callers for users
// signed up through the real procedures.
import { Writable } from "node:stream";
import type { DatabaseHandle } from "@storeplane/db";
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
