// The foundation's acceptance, with real processes: against the `npm run dev`
// composition on the embedded PGlite, a script using only the typed client
// (examples/quickstart.ts) and the `storectl` binary each sign in, create a
// store, list it and request its deletion. The cluster is the simulated one
// (a test tool) so the store actually moves; the point here is the API path.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Platform, startPlatform } from "../src/platform.ts";

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, "../../..");
const TSX = join(REPO, "node_modules/.bin/tsx");
const STORECTL = join(REPO, "packages/api/bin/storectl.mjs");

describe("quick start against the dev composition (PGlite, simulated cluster)", () => {
  let platform: Platform;
  const home = mkdtempSync(join(tmpdir(), "storectl-home-"));
  const storectl = (...args: string[]) =>
    run(process.execPath, [STORECTL, ...args], { env: { ...process.env, HOME: home }, cwd: REPO });

  beforeAll(async () => {
    platform = await startPlatform({
      cluster: "simulated",
      port: 0,
      // What `npm run dev` runs: Vite middleware, no build needed.
      mode: "development",
      logger: pino({ level: "silent" }),
      controllerEnv: { SWEEP_INTERVAL_MS: "200", PROGRESS_INTERVAL_MS: "100" },
      latencies: { workloadsReadyMs: 300, jobCompleteMs: 200, namespaceTerminationMs: 100 },
    });
  }, 120_000);
  afterAll(async () => platform?.close());

  it("a typed-client script signs up, creates a token and a store, lists it and requests deletion", async () => {
    const { stdout } = await run(
      TSX,
      [
        join(REPO, "examples/quickstart.ts"),
        platform.url,
        "ada@example.test",
        "correct horse battery",
      ],
      {
        env: { ...process.env, STORE_NAME: "quick-shop" },
      },
    );
    const steps = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(steps.map((s) => s.step)).toEqual(["signup", "token", "create", "list", "delete"]);
    expect(steps[3].names).toContain("quick-shop");
    expect(steps[4].phase).toBe("Deleting");
  }, 60_000);

  it("storectl logs in with a token, creates, lists, waits for Ready, and deletes", async () => {
    const { createClient } = await import("@storeplane/api/client");
    const anonymous = createClient({ url: platform.url });
    const { sessionToken } = await anonymous.auth.login.mutate({
      email: "ada@example.test",
      password: "correct horse battery",
    });
    const { token } = await createClient({
      url: platform.url,
      token: sessionToken,
    }).tokens.create.mutate({
      name: "storectl test",
    });

    await storectl("login", "--url", platform.url, "--token", token);
    const created = await storectl(
      "stores",
      "create",
      "cli-shop",
      "--engine",
      "medusa",
      "--wait",
      "--json",
    );
    expect(JSON.parse(created.stdout)).toMatchObject({
      outcome: "ready",
      store: {
        name: "cli-shop",
        phase: "Ready",
      },
    });

    const listed = JSON.parse((await storectl("stores", "list", "--json")).stdout);
    expect(listed.map((s: { name: string }) => s.name)).toContain("cli-shop");

    await storectl("stores", "delete", "cli-shop", "--wait");
    const after = JSON.parse((await storectl("stores", "list", "--json")).stdout);
    expect(after.map((s: { name: string }) => s.name)).not.toContain("cli-shop");
  }, 90_000);

  it("storectl rejects a bad name with the field and the rule, exit code 2 (usage)", async () => {
    const failure = await storectl("stores", "create", "Bad_Name", "--engine", "woocommerce").catch(
      (e) => e,
    );
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/name: may contain only lowercase letters/);
  }, 30_000);
});
