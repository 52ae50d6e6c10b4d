// `storectl backup verify` as a real child process against the real HTTP
// handler (node:http on a random port, PGlite behind it). The backup's and
// the verification's outcomes are written through the db repository, as the
// controller would.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  completeBackup,
  type DatabaseHandle,
  finishVerification,
  markBackupRunning,
  migrateToLatest,
  openDatabase,
} from "@storeplane/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/client/index.ts";
import { makeDeps, PASSWORD, uniqueEmail } from "./helpers.ts";
import { serveApi } from "./http-server.ts";

const BIN = resolve(import.meta.dirname, "..", "bin", "storectl.mjs");

describe("storectl backup verify (real processes, HTTP, PGlite)", () => {
  let handle: DatabaseHandle;
  let server: Awaited<ReturnType<typeof serveApi>>;
  let home: string;
  let env: NodeJS.ProcessEnv;

  const storectl = (token: string, ...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, "--url", server.url, "--token", token, ...args], {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      child.on("close", (code) => done({ code, stdout, stderr }));
    });

  async function userToken(label: string) {
    const anonymous = createClient({ url: server.url });
    const { sessionToken } = await anonymous.auth.signup.mutate({
      email: uniqueEmail(label),
      password: PASSWORD,
    });
    const session = createClient({ url: server.url, token: sessionToken });
    return { client: session, token: (await session.tokens.create.mutate({ name: label })).token };
  }

  beforeAll(async () => {
    handle = await openDatabase();
    await migrateToLatest(handle.db);
    server = await serveApi(makeDeps(handle));
    home = await mkdtemp(join(tmpdir(), "storectl-verify-"));
    env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      NO_COLOR: "1",
    };
  });
  afterAll(async () => {
    await server?.close();
    await handle?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it("requests a verification of the latest backup or a named one, shows its result in list, and hides another owner's backup", async () => {
    const owner = await userToken("verify-owner");
    await owner.client.stores.create.mutate({ name: "cli-verify-shop", engine: "medusa" });
    const none = await storectl(owner.token, "backup", "verify", "cli-verify-shop");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'verify: store "cli-verify-shop" has no complete backup to verify',
    );

    const { id } = await owner.client.backups.create.mutate({ store: "cli-verify-shop" });
    await markBackupRunning(handle.db, id, new Date());
    await completeBackup(
      handle.db,
      id,
      { sizeBytes: 446_810, durationMs: 3_700, sha256: "d".repeat(64), objectKey: "k" },
      new Date(),
    );
    const requested = await storectl(owner.token, "backup", "verify", "cli-verify-shop");
    expect(requested.code, requested.stderr).toBe(0);
    expect(requested.stdout).toContain(
      `Verification of backup ${id} of "cli-verify-shop" requested; \`storectl backup list cli-verify-shop\` shows the result.`,
    );
    const running = await storectl(owner.token, "backup", "list", "cli-verify-shop");
    expect(running.stdout).toMatch(/VERIFIED/);
    expect(running.stdout).toMatch(
      new RegExp(`${id}\\s+on-demand\\s+succeeded\\s+.*\\s+requested\\s+`),
    );
    const twice = await storectl(owner.token, "backup", "verify", "cli-verify-shop", id);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`verify: a verification of backup ${id} is already requested`);

    const verifiedAt = new Date("2026-12-02T04:05:06.000Z");
    await finishVerification(
      handle.db,
      id,
      { status: "failed", error: "GET /health did not answer 200" },
      verifiedAt,
    );
    const failed = await storectl(owner.token, "backup", "list", "cli-verify-shop");
    expect(failed.stdout).toContain(`failed ${verifiedAt.toISOString()}`);
    expect(failed.stdout).toContain("GET /health did not answer 200");
    const json = await storectl(owner.token, "--json", "backup", "list", "cli-verify-shop");
    expect(JSON.parse(json.stdout)[0]).toMatchObject({
      id,
      verification: { status: "failed", error: "GET /health did not answer 200" },
    });

    const named = await storectl(owner.token, "--json", "backup", "verify", "cli-verify-shop", id);
    expect(named.code, named.stderr).toBe(0);
    expect(JSON.parse(named.stdout)).toMatchObject({ id, verification: { status: "requested" } });

    const stranger = await userToken("verify-stranger");
    await stranger.client.stores.create.mutate({ name: "cli-verify-other", engine: "medusa" });
    const stolen = await storectl(stranger.token, "backup", "verify", "cli-verify-other", id);
    expect(stolen.code).toBe(1);
    expect(stolen.stderr).toContain(`backup not found: ${id}`);
    const bad = await storectl(owner.token, "backup", "verify", "cli-verify-shop", "nope");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("backupId: must be a backup id");
  }, 60_000);
});
