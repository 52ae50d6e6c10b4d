// After a full flow, no password, session token, API token or store
// credential appears in plaintext in any table or any log line.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { beforeEach, expect, it } from "vitest";
import { createClient } from "../src/client/create-client.ts";
import { createLogger } from "../src/logger.ts";
import { FAKE_STORE_PASSWORD, fakeClusterReader } from "./fakes.ts";
import {
  anonymous,
  bearerCaller,
  makeDeps,
  memoryLogSink,
  PASSWORD,
  signedUp,
  uniqueEmail,
} from "./helpers.ts";
import { serveApi } from "./http-server.ts";

const TABLES = ["users", "sessions", "api_tokens", "stores", "store_events", "audit_log"] as const;

describeEachDatabase("secret scan", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("finds no secret in any table row or log line after a full flow", async () => {
    const logLines: string[] = [];
    const deps = makeDeps(handle(), { clusterReader: fakeClusterReader().reader, logLines });
    const secrets: string[] = [PASSWORD, FAKE_STORE_PASSWORD];

    // In-process, as the dashboard does.
    const email = uniqueEmail("scan");
    const { caller, sessionToken } = await signedUp(deps, email);
    secrets.push(sessionToken);
    const wrongPassword = "a-wrong-password-that-must-not-leak";
    secrets.push(wrongPassword);
    await anonymous(deps)
      .auth.login({ email, password: wrongPassword })
      .catch(() => undefined);
    const login = await anonymous(deps).auth.login({ email, password: PASSWORD });
    secrets.push(login.sessionToken);
    const { token } = await caller.tokens.create({ name: "scan" });
    secrets.push(token);
    const viaToken = await bearerCaller(deps, token);
    await viaToken.stores.create({ name: "scanned", engine: "woocommerce" });
    expect((await viaToken.stores.credentials({ id: "scanned" })).password).toBe(
      FAKE_STORE_PASSWORD,
    );
    await caller.auth.logout();

    // Over HTTP, as scripts do (headers pass through the handler and context).
    const server = await serveApi(deps);
    try {
      const client = createClient({ url: server.url, token });
      await client.stores.list.query();
      await client.stores.credentials.mutate({ id: "scanned" });
      const second = await client.tokens.create.mutate({ name: "second" });
      secrets.push(second.token);
      await createClient({ url: server.url, token: `${token}x` })
        .stores.list.query()
        .catch(() => undefined);
      await createClient({ url: server.url })
        .auth.signup.mutate({ email: uniqueEmail(), password: "short" })
        .catch(() => undefined);
      await client.stores.delete.mutate({ id: "scanned" });
    } finally {
      await server.close();
    }

    const dump: string[] = [];
    for (const table of TABLES) {
      const rows = await handle().db.selectFrom(table).selectAll().execute();
      expect(rows.length, `${table} has rows to scan`).toBeGreaterThan(0);
      dump.push(
        JSON.stringify(rows, (_key, value) => (typeof value === "bigint" ? String(value) : value)),
      );
    }
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      for (const text of [...dump, ...logLines]) {
        expect(
          text.includes(secret),
          `secret ${secret.slice(0, 6)}… leaked into: ${text.slice(0, 200)}`,
        ).toBe(false);
      }
    }
    // Sanity: the scan looks at the right data (the token's hash is there, the token is not).
    expect(dump.join("\n")).toContain(token.slice(0, 9));
  });

  it("the logger redacts secrets by key", () => {
    const sink = memoryLogSink();
    const logger = createLogger({ level: "info", destination: sink.stream });
    logger.info(
      {
        headers: { authorization: "Bearer sp_secret1", cookie: "s=sps_secret2" },
        input: { email: "a@b.c", password: "secret3" },
        token: "sp_secret4",
        nested: { sessionToken: "sps_secret5", password: "secret6" },
      },
      "request",
    );
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]).not.toMatch(/secret\d/);
    expect(sink.lines[0]).toContain("a@b.c");
  });
});
