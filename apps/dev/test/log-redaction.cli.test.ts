// Level: cli (a real `npm run dev` process: dashboard, API and controller on
// the simulated cluster, a test tool). A whole store lifecycle — sign up, log
// in, API token, create → Ready → reveal credentials → delete — at
// LOG_LEVEL=trace, where every request's headers and every call's input and
// result are logged. ALL of the process's output (stdout and stderr) is
// captured; none of the secrets may appear in it, and the lines that carried
// them must be there, censored (so the test fails if redaction is removed).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@storeplane/api/client";
import { afterAll, describe, expect, it } from "vitest";
import { startDev } from "./support/dev-process.ts";

const PASSWORD = "correct horse battery staple 7Q";

async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** The log lines (JSON) with this message. */
function logLines(output: string, msg: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);
}

describe("no secret reaches the logs of web, API and controller (real dev process, LOG_LEVEL=trace)", () => {
  const work = mkdtempSync(join(tmpdir(), "storeplane-logs-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("create → Ready → reveal credentials → delete leaves no password, token, session or Secret value in the output", async () => {
    const dev = await startDev({
      CLUSTER: "simulated",
      PGLITE_DATA_DIR: join(work, "pglite"),
      LOG_LEVEL: "trace",
      SWEEP_INTERVAL_MS: "200",
      PROGRESS_INTERVAL_MS: "100",
    });
    const secrets: Record<string, string> = { password: PASSWORD };
    try {
      const anonymous = createClient({ url: dev.url });
      const signup = await anonymous.auth.signup.mutate({
        email: "ada@example.test",
        password: PASSWORD,
      });
      const login = await anonymous.auth.login.mutate({
        email: "ada@example.test",
        password: PASSWORD,
      });
      secrets.signupSession = signup.sessionToken;
      secrets.loginSession = login.sessionToken;
      const { token } = await createClient({
        url: dev.url,
        token: login.sessionToken,
      }).tokens.create.mutate({ name: "log test" });
      secrets.apiToken = token;

      // The session travels as a cookie too: a dashboard page request carrying it.
      const page = await fetch(`${dev.url}/stores`, {
        headers: { cookie: `sp_session=${login.sessionToken}` },
        redirect: "manual",
      });
      await page.arrayBuffer();

      const client = createClient({ url: dev.url, token });
      const store = await client.stores.create.mutate({
        name: "log-shop",
        engine: "woocommerce",
        plan: "small",
      });
      await eventually("the store to be Ready", async () => {
        const view = await client.stores.get.query({ id: store.id });
        return view.phase === "Ready" ? view : undefined;
      });
      const credentials = await client.stores.credentials.mutate({ id: store.id });
      expect(credentials.password.length).toBeGreaterThanOrEqual(12);
      secrets.adminPassword = credentials.password;

      await client.stores.delete.mutate({ id: store.id });
      await eventually("the store to be deleted", async () => {
        const view = await client.stores.get.query({ id: store.id });
        return view.phase === "Deleted" ? view : undefined;
      });
    } finally {
      await dev.stop();
    }

    const output = dev.output();
    for (const [name, value] of Object.entries(secrets)) {
      expect(output.includes(value), `${name} appears in the logs`).toBe(false);
    }

    // The secrets were in what got logged — censored, not absent.
    const calls = logLines(output, "call");
    const results = logLines(output, "result");
    const headers = logLines(output, "request headers");
    const censored = (entries: Record<string, unknown>[], path: string, field: string) =>
      entries.filter(
        (e) =>
          e.path === path &&
          (e.input ?? e.output) &&
          JSON.stringify(e).includes(`"${field}":"[redacted]"`),
      ).length;
    expect(censored(calls, "auth.signup", "password")).toBe(1);
    expect(censored(calls, "auth.login", "password")).toBe(1);
    expect(censored(results, "auth.signup", "sessionToken")).toBe(1);
    expect(censored(results, "tokens.create", "token")).toBe(1);
    expect(censored(results, "stores.credentials", "password")).toBe(1);
    expect(headers.some((e) => JSON.stringify(e).includes('"authorization":"[redacted]"'))).toBe(
      true,
    );
    expect(headers.some((e) => JSON.stringify(e).includes('"cookie":"[redacted]"'))).toBe(true);
    // And the controller did its work in this same output.
    expect(output).toContain('"component":"controller"');
  }, 300_000);
});
