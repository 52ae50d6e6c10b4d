// The real storectl binary as a child process against the real HTTP handler
// (node:http on a random port, PGlite behind it): `storectl rollout …`.
// Nothing drives the rollout here (no controller): these are the admin's
// requests and what they change in the database. `rollout status --wait` is
// followed while the test writes the rollout's progress with the rollout
// driver's own repository functions (assign, succeed, halt, complete).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  assignRolloutStores,
  completeRollout,
  type DatabaseHandle,
  haltRollout,
  markRolloutStoresSucceeded,
  migrateToLatest,
  openDatabase,
} from "@storeplane/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/client/create-client.ts";
import { fakeClusterReader } from "./fakes.ts";
import { makeDeps, PASSWORD, uniqueEmail } from "./helpers.ts";
import { serveApi } from "./http-server.ts";

const BIN = resolve(import.meta.dirname, "..", "bin", "storectl.mjs");

describe("storectl rollout (real processes, HTTP, PGlite)", () => {
  let handle: DatabaseHandle;
  let server: Awaited<ReturnType<typeof serveApi>>;
  let home: string;
  let env: NodeJS.ProcessEnv;

  const storectl = (...args: string[]) => run(args).done;
  /** A running storectl: `done` settles when it exits; its output so far. */
  const run = (args: string[]) => {
    let stdout = "";
    let stderr = "";
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.on("data", (c) => {
        stdout += c;
      });
      child.stderr.on("data", (c) => {
        stderr += c;
      });
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    return { done, stdout: () => stdout, stderr: () => stderr };
  };
  beforeAll(async () => {
    handle = await openDatabase();
    await migrateToLatest(handle.db);
    server = await serveApi(makeDeps(handle, { clusterReader: fakeClusterReader().reader }));
    home = await mkdtemp(join(tmpdir(), "storectl-rollout-test-"));
    // The first account is the admin.
    const { sessionToken } = await createClient({ url: server.url }).auth.signup.mutate({
      email: uniqueEmail("rollout-admin"),
      password: PASSWORD,
    });
    const { token } = await createClient({
      url: server.url,
      token: sessionToken,
    }).tokens.create.mutate({ name: "cli" });
    env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      NO_COLOR: "1",
      STORECTL_URL: server.url,
      STORECTL_TOKEN: token,
    };
    const owner = await handle.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    // Three live WooCommerce stores the controller had put on 0.1.0.
    await handle.db
      .insertInto("stores")
      .values(
        [0, 1, 2].map((i) => ({
          name: `roll-${i}`,
          engine: "woocommerce" as const,
          plan: "small" as const,
          owner_id: owner.id,
          chart_version: "0.1.0",
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await server?.close();
    await handle?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("start, status, pause, resume and abort a rollout; bad input names the flag", async () => {
    const bad = await storectl(
      "rollout",
      "start",
      "0.2.0",
      "--engine",
      "woocommerce",
      "--pause",
      "soon",
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--pause: must be a whole number");
    expect(await handle.db.selectFrom("rollouts").select("id").execute()).toHaveLength(0);

    const started = await storectl(
      "--json",
      "rollout",
      "start",
      "0.2.0",
      "--engine",
      "woocommerce",
      "--pause",
      "0",
    );
    expect(started.stderr).toBe("");
    expect(started.code).toBe(0);
    const view = JSON.parse(started.stdout) as { id: string; state: string; stores: unknown[] };
    expect(view).toMatchObject({ state: "running", targetChartVersion: "0.2.0" });
    expect(view.stores).toHaveLength(3);

    const again = await storectl("rollout", "start", "0.2.0", "--engine", "woocommerce");
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("already running");

    const status = await storectl("rollout", "status", view.id);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Rollout ${view.id}: woocommerce → 0.2.0, running`);
    expect(status.stdout).toMatch(/WAVE\s+STORES\s+PENDING/);

    for (const [action, state] of [
      ["pause", "paused"],
      ["resume", "running"],
      ["abort", "aborted"],
    ] as const) {
      const run = await storectl("rollout", action, view.id);
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain(`, ${state}\n`);
      const row = await handle.db
        .selectFrom("rollouts")
        .select("state")
        .where("id", "=", view.id)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe(state);
    }
    const refused = await storectl("rollout", "pause", view.id);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("cannot pause a rollout that is aborted");
  }, 60_000);

  it("status --wait follows a rollout to its end: exit 0 when completed, 1 when halted, 1 on timeout", async () => {
    const now = () => new Date();
    const start = async (version: string) => {
      const started = await storectl(
        "--json",
        "rollout",
        "start",
        version,
        "--engine",
        "woocommerce",
        "--pause",
        "0",
      );
      expect(started.code).toBe(0);
      return (JSON.parse(started.stdout) as { id: string }).id;
    };
    /** The rollout's stores, wave 1 (the canary) first. */
    const members = async (rolloutId: string) => {
      const rows = await handle.db
        .selectFrom("rollout_stores")
        .innerJoin("stores", "stores.id", "rollout_stores.store_id")
        .select(["rollout_stores.store_id", "rollout_stores.wave", "stores.name"])
        .where("rollout_id", "=", rolloutId)
        .orderBy("wave")
        .execute();
      const [canary, ...rest] = rows;
      if (canary?.wave !== 1) throw new Error(`rollout ${rolloutId} has no canary`);
      return { canary, rest };
    };
    const until = async (predicate: () => boolean) => {
      while (!predicate()) await new Promise((r) => setTimeout(r, 50));
    };

    // A good rollout, driven to completed while storectl follows it.
    const good = await start("0.2.0");
    const { canary, rest } = await members(good);
    const follow = run(["rollout", "status", good, "--wait", "--poll-interval", "100"]);
    await until(() => follow.stdout().includes("running · wave 1: 0/1 succeeded, 0 upgrading"));
    await assignRolloutStores(handle.db, good, [canary.store_id], now());
    await until(() => follow.stdout().includes("wave 1: 0/1 succeeded, 1 upgrading"));
    await markRolloutStoresSucceeded(handle.db, good, [canary.store_id], now());
    const others = rest.map((m) => m.store_id);
    await assignRolloutStores(handle.db, good, others, now());
    await markRolloutStoresSucceeded(handle.db, good, others, now());
    expect(await completeRollout(handle.db, good, now())).toBe(true);
    const completed = await follow.done;
    expect(completed.stderr).toBe("");
    expect(completed.code).toBe(0);
    expect(completed.stdout).toContain(`Rollout ${good}: woocommerce → 0.2.0, completed\n`);

    // A faulty one: its canary halts it, and a script waiting on it sees exit 1 and the reason.
    const faulty = await start("0.3.0");
    const { canary: faultyCanary } = await members(faulty);
    const halting = run([
      "--json",
      "rollout",
      "status",
      faulty,
      "--wait",
      "--poll-interval",
      "100",
    ]);
    await until(() => halting.stderr().includes("running · wave 1: 0/1 succeeded"));
    await assignRolloutStores(handle.db, faulty, [faultyCanary.store_id], now());
    const reason = "not Ready on 0.3.0 within 600s: CrashLooping";
    const halt = await haltRollout(
      handle.db,
      faulty,
      { storeId: faultyCanary.store_id, reason },
      now(),
    );
    expect("rollout" in halt).toBe(true);
    const halted = await halting.done;
    expect(halted.code).toBe(1);
    const view = JSON.parse(halted.stdout) as {
      outcome: string;
      rollout: { state: string; haltReason: string; haltedStoreName: string };
    };
    expect(view).toMatchObject({
      outcome: "halted",
      rollout: { state: "halted", haltReason: reason, haltedStoreName: faultyCanary.name },
    });
    // Progress went to stderr, so stdout stays one JSON document; its last line names the halt.
    expect(halted.stderr.trimEnd().split("\n").at(-1)).toBe(
      `halted at ${faultyCanary.name}: ${reason}`,
    );

    // Halted is an end; a running rollout nobody drives is a timeout.
    await storectl("rollout", "abort", faulty);
    const stuck = await start("0.3.0");
    const timedOut = await storectl(
      "rollout",
      "status",
      stuck,
      "--wait",
      "--timeout",
      "1",
      "--poll-interval",
      "100",
    );
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toContain(`timed out after 1s; rollout ${stuck} is running`);
    const bad = await storectl("rollout", "status", stuck, "--wait", "--timeout", "soon");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--timeout: must be a positive number of seconds");
  }, 60_000);
});
