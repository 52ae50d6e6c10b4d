// The HTTP face through the typed client, over a real socket: bearer-only
// auth, error shapes (field errors, no stacks, no internals), superjson.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { TRPCClientError } from "@trpc/client";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { clientErrorCode, clientFieldErrors, createClient } from "../src/client/create-client.ts";
import { waitForStore } from "../src/client/wait.ts";
import type { ApiDeps } from "../src/trpc.ts";
import { makeDeps, PASSWORD, testConfig, uniqueEmail } from "./helpers.ts";
import { serveApi } from "./http-server.ts";

async function failure(promise: Promise<unknown>): Promise<TRPCClientError<never>> {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (caught: unknown) => caught,
  );
  if (!(error instanceof TRPCClientError)) throw error;
  return error as TRPCClientError<never>;
}

describeEachDatabase("HTTP API through the typed client", ({ handle }) => {
  let server: Awaited<ReturnType<typeof serveApi>>;
  let deps: ApiDeps;
  beforeAll(async () => {
    deps = makeDeps(handle(), { config: testConfig({ NODE_ENV: "production" }) });
    // Production settings, but a cheap argon2 so the suite stays fast.
    deps.config.argon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
    server = await serveApi(deps);
  });
  afterAll(async () => server?.close());
  beforeEach(async () => resetDatabase(handle()));

  it("runs the acceptance flow: sign up, token, create, list, delete", async () => {
    const anonymous = createClient({ url: server.url });
    const { sessionToken, user } = await anonymous.auth.signup.mutate({
      email: uniqueEmail(),
      password: PASSWORD,
    });
    expect(user.createdAt).toBeInstanceOf(Date); // superjson round trip
    const session = createClient({ url: `${server.url}/api/trpc`, token: sessionToken });
    const { token } = await session.tokens.create.mutate({ name: "script" });
    const client = createClient({ url: server.url, token });
    const store = await client.stores.create.mutate({ name: "http-shop", engine: "medusa" });
    expect((await client.stores.list.query()).items.map((s) => s.id)).toEqual([store.id]);
    const deleted = await client.stores.delete.mutate({ id: store.id });
    expect(deleted.phase).toBe("Deleting");
    await session.auth.logout.mutate();
    expect(clientErrorCode(await failure(session.auth.me.query()))).toBe("UNAUTHORIZED");
  });

  it("authenticates only by bearer header: a session cookie is ignored", async () => {
    const anonymous = createClient({ url: server.url });
    const { sessionToken } = await anonymous.auth.signup.mutate({
      email: uniqueEmail(),
      password: PASSWORD,
    });
    const response = await fetch(`${server.url}/api/trpc/auth.me`, {
      headers: { cookie: `session=${sessionToken}; __session=${sessionToken}` },
    });
    expect(response.status).toBe(200);
    expect((await response.json()).result.data.json).toBeNull();
    const withBearer = await fetch(`${server.url}/api/trpc/auth.me`, {
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    expect((await withBearer.json()).result.data.json).toMatchObject({ role: "admin" });
    expect(withBearer.headers.get("cache-control")).toBe("no-store");
  });

  it("answers UNAUTHORIZED (401) for an unknown token", async () => {
    const client = createClient({ url: server.url, token: "sp_not-a-real-token" });
    const error = await failure(client.stores.list.query());
    expect(clientErrorCode(error)).toBe("UNAUTHORIZED");
    expect(error.data).toMatchObject({ httpStatus: 401 });
  });

  it("puts field errors in the error data, and never a stack trace", async () => {
    const anonymous = createClient({ url: server.url });
    const { sessionToken } = await anonymous.auth.signup.mutate({
      email: uniqueEmail(),
      password: PASSWORD,
    });
    const client = createClient({ url: server.url, token: sessionToken });
    const error = await failure(
      client.stores.create.mutate({ name: "X", engine: "nope" as never }),
    );
    expect(clientErrorCode(error)).toBe("BAD_REQUEST");
    expect(clientFieldErrors(error)).toEqual({
      // One message per field: the first rule broken ("X" breaks four).
      name: ["must be 3–40 characters"],
      engine: ["must be one of woocommerce, medusa"],
    });
    expect(error.message).toBe(
      "name: must be 3–40 characters; engine: must be one of woocommerce, medusa",
    );
    expect(JSON.stringify(error.data)).not.toContain("stack");
    expect(JSON.stringify(error.shape)).not.toMatch(/at .*\.ts:\d+/);
  });

  it("hides internal error details from clients outside development", async () => {
    const anonymous = createClient({ url: server.url });
    const { sessionToken } = await anonymous.auth.signup.mutate({
      email: uniqueEmail(),
      password: PASSWORD,
    });
    const client = createClient({ url: server.url, token: sessionToken });
    await sql`alter table store_events rename to store_events_hidden`.execute(handle().db);
    try {
      const error = await failure(client.stores.create.mutate({ name: "boom", engine: "medusa" }));
      expect(clientErrorCode(error)).toBe("INTERNAL_SERVER_ERROR");
      expect(error.message).toBe("internal server error");
      expect(JSON.stringify(error.shape)).not.toContain("store_events");
    } finally {
      await sql`alter table store_events_hidden rename to store_events`.execute(handle().db);
    }
  });

  it("waitForStore follows a store to Ready and reports progress", async () => {
    const anonymous = createClient({ url: server.url });
    const { sessionToken } = await anonymous.auth.signup.mutate({
      email: uniqueEmail(),
      password: PASSWORD,
    });
    const client = createClient({ url: server.url, token: sessionToken });
    const store = await client.stores.create.mutate({ name: "waiting", engine: "woocommerce" });
    const seen: string[] = [];
    const advance = setTimeout(async () => {
      await handle()
        .db.updateTable("stores")
        .set({ phase: "Ready" })
        .where("id", "=", store.id)
        .execute();
    }, 150);
    try {
      const result = await waitForStore(client, store.id, {
        intervalMs: 50,
        timeoutMs: 10_000,
        onProgress: (s) => seen.push(s.phase),
      });
      expect(result.outcome).toBe("ready");
      expect(seen[0]).toBe("Pending");
      expect(seen.at(-1)).toBe("Ready");
    } finally {
      clearTimeout(advance);
    }
  });

  it("login over HTTP keys its rate limit by the client address", async () => {
    const limited = makeDeps(handle(), { config: testConfig({ RATE_LIMIT_LOGIN: "1" }) });
    const local = await serveApi(limited);
    try {
      const client = createClient({ url: local.url });
      const email = uniqueEmail();
      await client.auth.signup.mutate({ email, password: PASSWORD });
      await client.auth.login.mutate({ email, password: PASSWORD });
      const error = await failure(client.auth.login.mutate({ email, password: PASSWORD }));
      expect(clientErrorCode(error)).toBe("TOO_MANY_REQUESTS");
      expect(error.data).toMatchObject({ httpStatus: 429 });
      const raw = await fetch(`${local.url}/api/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { email, password: PASSWORD } }),
      });
      expect(raw.status).toBe(429);
      expect(Number(raw.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await local.close();
    }
  });
});
