// The real storectl binary as a child process against the real HTTP handler
// (node:http on a random port, PGlite behind it): `storectl rollout …`.
// Nothing drives the rollout here (no controller): these are the admin's
// requests and what they change in the database.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type DatabaseHandle, migrateToLatest, openDatabase } from "@storeplane/db";
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

  const storectl = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c) => {
        stdout += c;
      });
      child.stderr.on("data", (c) => {
        stderr += c;
      });
      child.on("close", (code) => done({ code, stdout, stderr }));
    });

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
});
