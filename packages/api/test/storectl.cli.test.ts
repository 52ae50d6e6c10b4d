// The real storectl binary as a child process against the real HTTP handler
// (node:http on a random port, PGlite behind it).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "@storeplane/db";
import { PLAN_LIMITS } from "@storeplane/k8s/plans";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/client/create-client.ts";
import { FAKE_STORE_PASSWORD, fakeClusterReader } from "./fakes.ts";
import { makeDeps, PASSWORD, uniqueEmail } from "./helpers.ts";
import { serveApi } from "./http-server.ts";

const BIN = resolve(import.meta.dirname, "..", "bin", "storectl.mjs");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("storectl (real processes, HTTP, PGlite)", () => {
  let handle: DatabaseHandle;
  let server: Awaited<ReturnType<typeof serveApi>>;
  let home: string;
  let token: string;
  let env: NodeJS.ProcessEnv;

  function start(
    args: string[],
    extraEnv: NodeJS.ProcessEnv = {},
  ): { child: ChildProcess; done: Promise<Run>; output(): string } {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const done = new Promise<Run>((resolveRun) =>
      child.on("close", (code) => resolveRun({ code, stdout, stderr })),
    );
    return { child, done, output: () => stdout + stderr };
  }
  const storectl = (...args: string[]) => start(args).done;

  beforeAll(async () => {
    handle = await openDatabase();
    await migrateToLatest(handle.db);
    server = await serveApi(makeDeps(handle, { clusterReader: fakeClusterReader().reader }));
    home = await mkdtemp(join(tmpdir(), "storectl-test-"));
    // Only what the CLI needs: no STORECTL_* from the developer's shell.
    env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      NO_COLOR: "1",
    };
    const anonymous = createClient({ url: server.url });
    const { sessionToken } = await anonymous.auth.signup.mutate({
      email: uniqueEmail("cli"),
      password: PASSWORD,
    });
    token = (
      await createClient({ url: server.url, token: sessionToken }).tokens.create.mutate({
        name: "cli",
      })
    ).token;
  });
  afterAll(async () => {
    await server?.close();
    await handle?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("without a login says how to log in and exits 2", async () => {
    const run = await storectl("stores", "list");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("not logged in: run `storectl login");
  });

  it("usage errors exit 2", async () => {
    const run = await storectl("stores", "create", "x");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--engine");
    expect((await storectl("frobnicate")).code).toBe(2);
    expect((await storectl("stores")).code).toBe(2);
    const help = await storectl("stores", "create", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--engine <engine>");
    // Plan sizes come from the quota the controller applies (PLAN_LIMITS).
    const flat = help.stdout.replace(/\s+/g, " ");
    for (const [plan, limits] of Object.entries(PLAN_LIMITS)) {
      expect(flat).toContain(
        `${plan} (up to ${limits.cpu} CPU · ${limits.memory.replace("Gi", " GiB")} memory`,
      );
    }
  });

  it("login --token checks the token, saves it 0600, and refuses a bad one", async () => {
    const bad = await storectl("login", "--url", server.url, "--token", "sp_wrong");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("invalid, expired or revoked token");
    const run = await storectl("login", "--url", server.url, "--token", token);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Logged in to http:\/\/127\.0\.0\.1:\d+ as cli\d+-\d+@example\.test \(admin\)/,
    );
    const path = join(home, ".config", "storectl", "config.json");
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({ url: server.url, token });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("creates, lists, gets and deletes a store, with --json output", async () => {
    const created = await storectl(
      "stores",
      "create",
      "cli-shop",
      "--engine",
      "medusa",
      "--plan",
      "small",
      "--json",
    );
    expect(created.code).toBe(0);
    const store = JSON.parse(created.stdout);
    expect(store).toMatchObject({
      name: "cli-shop",
      engine: "medusa",
      phase: "Pending",
      storeUrl: "http://cli-shop.localhost",
    });

    const list = await storectl("stores", "list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+ENGINE\s+PLAN\s+PHASE\s+AGE\s+URL\n/);
    expect(list.stdout).toMatch(
      /cli-shop\s+medusa\s+small\s+Pending\s+\d+s\s+http:\/\/cli-shop\.localhost/,
    );
    expect(JSON.parse((await storectl("stores", "list", "--json")).stdout)).toHaveLength(1);

    const get = await storectl("stores", "get", "cli-shop");
    expect(get.stdout).toContain(`ID:          ${store.id}`);
    // Not yet assigned a chart (no controller runs here): the history says so.
    expect(get.stdout).toMatch(/Chart history:\n.*\n {2}\S+Z\s+\(default\)\s+first/);
    expect(JSON.parse((await storectl("--json", "stores", "get", store.id)).stdout).name).toBe(
      "cli-shop",
    );

    const events = await storectl("stores", "events", "cli-shop");
    expect(events.stdout).toContain("CreateRequested");

    const credentials = await storectl("stores", "credentials", "cli-shop");
    expect(credentials.code).toBe(0);
    expect(credentials.stdout).toContain("Admin URL: http://cli-shop.localhost/app");
    expect(credentials.stdout).toContain(`Password:  ${FAKE_STORE_PASSWORD}`);

    await handle.db
      .updateTable("stores")
      .set({ phase: "Failed" })
      .where("id", "=", store.id)
      .execute();
    const retried = await storectl("stores", "retry", "cli-shop", "--json");
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ phase: "Pending", generation: 2 });

    const deleted = await storectl("stores", "delete", "cli-shop");
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('Deletion of "cli-shop" requested.');
  });

  it("prints the server's message and field errors; exit 2 for invalid input, 1 for refusals", async () => {
    const invalid = await storectl("stores", "create", "Bad_Name", "--engine", "woocommerce");
    expect(invalid.code).toBe(2);
    // One line, once: the first rule the name breaks (it breaks two).
    expect(invalid.stderr).toBe(
      "error: name: may contain only lowercase letters, digits and '-'\n",
    );
    const missing = await storectl("stores", "get", "no-such-store");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("error: store not found: no-such-store\n");
    // cli-shop is being deleted by now (the previous test).
    const retryRefused = await storectl("stores", "retry", "cli-shop");
    expect(retryRefused.code).toBe(1);
    expect(retryRefused.stderr).toBe(
      'error: retry: store "cli-shop" is being deleted; only Failed stores can be retried\n',
    );
  });

  it("deletion protection: set at create, shown by get, refuses delete until turned off", async () => {
    const created = await storectl(
      "stores",
      "create",
      "cli-guarded",
      "--engine",
      "woocommerce",
      "--deletion-protection",
      "--json",
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).deletionProtection).toBe(true);
    expect((await storectl("stores", "get", "cli-guarded")).stdout).toContain(
      "Protection:  on (delete is refused until it is turned off)",
    );

    const refused = await storectl("stores", "delete", "cli-guarded");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'error: deletionProtection is on: turn it off before deleting store "cli-guarded"\n',
    );
    const badState = await storectl("stores", "deletion-protection", "cli-guarded", "maybe");
    expect(badState.code).toBe(2);
    expect(badState.stderr).toBe('error: state: must be "on" or "off", not "maybe"\n');

    // Suspend --wait returns once the controller reports Suspended for the
    // new generation (played here by a row update); resume is repeat-safe.
    const suspending = start([
      "stores",
      "suspend",
      "cli-guarded",
      "--wait",
      "--poll-interval",
      "100",
      "--json",
    ]);
    const id = await waitForRow("cli-guarded");
    await until(() => suspending.output().includes("cli-guarded:"));
    await advance(id, "Suspended", [], { observed_generation: 2 });
    const suspended = await suspending.done;
    expect(suspended.code).toBe(0);
    expect(JSON.parse(suspended.stdout)).toMatchObject({
      outcome: "suspended",
      store: { name: "cli-guarded", suspended: true, phase: "Suspended" },
    });
    const resumed = await storectl("stores", "resume", "cli-guarded");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toBe('Resume of "cli-guarded" requested.\n');
    expect((await storectl("stores", "get", "cli-guarded", "--json")).stdout).toContain(
      '"suspended": false',
    );

    const off = await storectl("stores", "deletion-protection", "cli-guarded", "off");
    expect(off.code).toBe(0);
    expect(off.stdout).toBe('Deletion protection of "cli-guarded" is off.\n');
    const deleted = await storectl("stores", "delete", "cli-guarded");
    expect(deleted.code).toBe(0);
  });

  it("STORECTL_URL and STORECTL_TOKEN override the saved login", async () => {
    const run = await start(["whoami"], { STORECTL_TOKEN: "sp_overridden" }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("invalid, expired or revoked token");
    const unreachable = await start(["whoami"], { STORECTL_URL: "http://127.0.0.1:9" }).done;
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: cannot reach the platform: /);
  });

  it("--wait follows a store through its phases to Ready, one line per change when not a TTY", async () => {
    const waiting = start([
      "stores",
      "create",
      "waiter",
      "--engine",
      "woocommerce",
      "--wait",
      "--poll-interval",
      "100",
    ]);
    const { done } = waiting;
    const id = await waitForRow("waiter");
    await until(() => waiting.output().includes("waiter: Pending"));
    await advance(id, "Provisioning", [
      condition("NamespaceReady", "True"),
      condition("ReleaseReady", "False", "Installing", "helm install in progress"),
    ]);
    await until(() => waiting.output().includes("waiter: Provisioning"));
    await advance(id, "Ready", [condition("Ready", "True")]);
    const run = await done;
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toContain("waiter: Pending");
    expect(lines).toContain("waiter: Provisioning — ReleaseReady=False (helm install in progress)");
    expect(lines.at(-1)).toBe("waiter: Ready");
    // Each line once: the final line is the last progress line, not a repeat of it.
    expect(lines.filter((line) => line === "waiter: Ready")).toHaveLength(1);
    expect(run.stdout).not.toContain("\r");
  });

  it("--wait exits 1 when the store fails, and delete --wait returns once it is deleted", async () => {
    const creating = start([
      "stores",
      "create",
      "doomed",
      "--engine",
      "medusa",
      "--wait",
      "--poll-interval",
      "100",
      "--json",
    ]);
    const id = await waitForRow("doomed");
    await advance(id, "Failed", [], { last_error: 'ImagePullBackOff: image "medusa:x" not found' });
    const failed = await creating.done;
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      outcome: "failed",
      store: { name: "doomed" },
    });
    expect(failed.stderr).toContain("doomed: Failed — error: ImagePullBackOff");

    const deleting = start(["stores", "delete", "doomed", "--wait", "--poll-interval", "100"]);
    await until(() => deleting.output().includes("doomed: Deleting"));
    await advance(id, "Deleted", [], { deleted_at: new Date() });
    const deleted = await deleting.done;
    expect(deleted.code).toBe(0);
    expect(deleted.stdout.trim().split("\n").at(-1)).toBe("doomed: deleted");
  });

  async function waitForRow(name: string): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const row = await handle.db
        .selectFrom("stores")
        .select("id")
        .where("name", "=", name)
        .executeTakeFirst();
      if (row) return row.id;
      await sleep(50);
    }
    throw new Error(`store ${name} never appeared`);
  }

  async function advance(
    id: string,
    phase: "Provisioning" | "Ready" | "Suspended" | "Failed" | "Deleted",
    conditions: object[],
    extra: object = {},
  ) {
    await handle.db
      .updateTable("stores")
      .set({ phase, conditions: JSON.stringify(conditions), ...extra })
      .where("id", "=", id)
      .execute();
  }

  it("stores list pages through every page transparently, with filters and --max", async () => {
    const owner = await handle.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    // More than one page of 200: rows straight into the table (quotas are not under test).
    await handle.db
      .insertInto("stores")
      .values(
        Array.from({ length: 205 }, (_, i) => ({
          name: `page-${String(i).padStart(3, "0")}`,
          engine: "woocommerce" as const,
          plan: "small" as const,
          owner_id: owner.id,
          phase: i < 7 ? ("Failed" as const) : ("Ready" as const),
        })),
      )
      .execute();
    const all = await storectl("stores", "list", "--json", "--name-prefix", "page-");
    expect(all.code).toBe(0);
    const names = (JSON.parse(all.stdout) as Array<{ name: string }>).map((s) => s.name);
    expect(names).toHaveLength(205);
    expect(new Set(names).size).toBe(205);
    const failed = await storectl("stores", "list", "--phase", "Failed", "--name-prefix", "page-");
    expect(failed.stdout.trim().split("\n")).toHaveLength(1 + 7);
    const few = await storectl("stores", "list", "--json", "--max", "3");
    expect(JSON.parse(few.stdout)).toHaveLength(3);
    const bad = await storectl("stores", "list", "--max", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max: must be a positive whole number");
    const badPhase = await storectl("stores", "list", "--phase", "Sleeping");
    expect(badPhase.code).toBe(2);
    expect(badPhase.stderr).toContain("Allowed choices are Pending, Provisioning");
  }, 60_000);
});

function condition(type: string, status: "True" | "False", reason = "Done", message = "") {
  return {
    type,
    status,
    reason,
    message,
    observedGeneration: 1,
    lastTransitionTime: new Date().toISOString(),
  };
}

async function until(check: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the CLI's output");
    await sleep(25);
  }
}

function sleep(ms: number) {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
