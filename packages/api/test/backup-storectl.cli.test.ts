// `storectl backup …` as a real child process against the real HTTP handler
// (node:http on a random port, PGlite behind it). The backup's completion is
// written through the db repository, as the controller would.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  completeBackup,
  type DatabaseHandle,
  markBackupRunning,
  migrateToLatest,
  openDatabase,
} from "@storeplane/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/client/index.ts";
import { makeDeps, PASSWORD, uniqueEmail } from "./helpers.ts";
import { serveApi } from "./http-server.ts";

const BIN = resolve(import.meta.dirname, "..", "bin", "storectl.mjs");

describe("storectl backup (real processes, HTTP, PGlite)", () => {
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
    home = await mkdtemp(join(tmpdir(), "storectl-backup-"));
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

  it("creates and lists backups, restores only with --confirm, refuses a second restore and a clone while restoring, and hides another owner's backup", async () => {
    const owner = await userToken("backup-owner");
    await owner.client.stores.create.mutate({ name: "cli-backup-shop", engine: "medusa" });

    const created = await storectl(owner.token, "backup", "create", "cli-backup-shop");
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.match(
      /^Backup ([0-9a-f-]{36}) of "cli-backup-shop" requested\.$/m,
    )?.[1] as string;
    expect(id).toBeDefined();
    const again = await storectl(owner.token, "backup", "create", "cli-backup-shop");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      "backup: a backup of store cli-backup-shop is already requested",
    );

    await markBackupRunning(handle.db, id, new Date());
    await completeBackup(
      handle.db,
      id,
      { sizeBytes: 446_853, durationMs: 3_668, sha256: "c".repeat(64), objectKey: "k" },
      new Date(),
    );
    const listed = await storectl(owner.token, "backup", "list", "cli-backup-shop");
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`${id}\\s+on-demand\\s+succeeded\\s+436\\.4 KiB\\s+3\\.7s`),
    );
    const json = await storectl(owner.token, "--json", "backup", "list", "cli-backup-shop");
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ id, status: "succeeded", sizeBytes: 446_853 }),
    ]);

    const unconfirmed = await storectl(owner.token, "backup", "restore", id);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain("--confirm: required; pass the store's name");
    const wrongName = await storectl(
      owner.token,
      "backup",
      "restore",
      id,
      "--confirm",
      "other-shop",
    );
    expect(wrongName.code).toBe(2);
    expect(wrongName.stderr).toContain(`confirm: must be the store's name ("cli-backup-shop")`);
    const restored = await storectl(
      owner.token,
      "backup",
      "restore",
      id,
      "--confirm",
      "cli-backup-shop",
    );
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`Restore of backup ${id} into "cli-backup-shop" requested`);
    const second = await storectl(
      owner.token,
      "backup",
      "restore",
      id,
      "--confirm",
      "cli-backup-shop",
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      "restore: a restore into store cli-backup-shop is already requested",
    );

    const cloning = await storectl(owner.token, "backup", "clone", id, "cli-backup-copy");
    expect(cloning.code).toBe(1);
    expect(cloning.stderr).toContain('clone: a restore into store "cli-backup-shop" is requested');

    const stranger = await userToken("backup-stranger");
    const stolen = await storectl(stranger.token, "backup", "clone", id, "stolen-shop");
    expect(stolen.code).toBe(1);
    expect(stolen.stderr).toContain(`backup not found: ${id}`);

    const scheduled = await storectl(
      owner.token,
      "backup",
      "schedule",
      "cli-backup-shop",
      "--every",
      "daily",
      "--keep",
      "7",
    );
    expect(scheduled.code, scheduled.stderr).toBe(0);
    expect(scheduled.stdout).toMatch(
      /Backing up "cli-backup-shop" daily, keeping 7; next at \d{4}-/,
    );
    const badKeep = await storectl(
      owner.token,
      "backup",
      "schedule",
      "cli-backup-shop",
      "--keep",
      "0",
    );
    expect(badKeep.code).toBe(2);
    expect(badKeep.stderr).toContain("keep: must be between 1 and 100");
  }, 120_000);
});
