// Level: real processes. The backup Job's object-store step as the scripts
// run it: a child process reading its environment, against a real
// S3-compatible server (s3rver) or an endpoint where nothing listens. What a
// Job's caller relies on: one JSON line on success, the field named on bad
// input, exit 75 (EX_TEMPFAIL, retry) for an unreachable store, and no
// secret in any output.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestS3Server, type TestS3Server } from "../testing/s3-server.ts";

const TSX = resolve(import.meta.dirname, "../../../../node_modules/.bin/tsx");
const CLI = resolve(import.meta.dirname, "storeplane-backup.ts");

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(TSX, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), ...env },
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
}

function closedPort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? ok(address.port) : fail(new Error("no port")),
      );
    });
  });
}

describe("storeplane-backup (real processes, real s3rver)", () => {
  let s3: TestS3Server;
  let dir: string;
  let env: Record<string, string>;
  const spec = {
    BACKUP_STORE: "shop-cli",
    BACKUP_ID: "bk1",
    BACKUP_ENGINE: "medusa",
    BACKUP_PLAN: "small",
    BACKUP_CHART_VERSION: "0.1.0",
    BACKUP_VALUES_DIGEST: "sha256:x",
    STORE_URL: "http://shop-cli.localhost",
  };

  beforeAll(async () => {
    s3 = await startTestS3Server();
    dir = mkdtempSync(join(tmpdir(), "storeplane-backup-cli-"));
    writeFileSync(join(dir, "database.dump"), "a dump");
    env = {
      BACKUP_S3_ENDPOINT: s3.endpoint,
      BACKUP_S3_BUCKET: "storeplane-backups",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
    };
  });
  afterAll(async () => {
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("uploads the parts and the manifest and prints one JSON line; download verifies them back", async () => {
    const up = await run(["upload", "--dir", dir], { ...env, ...spec });
    expect(up.code, up.stderr).toBe(0);
    const summary = JSON.parse(up.stdout.trim());
    expect(summary).toMatchObject({
      manifestKey: "stores/shop-cli/bk1/manifest.json",
      parts: [{ name: "database.dump", size: 6 }],
    });
    const out = mkdtempSync(join(tmpdir(), "storeplane-backup-cli-out-"));
    try {
      const down = await run(
        [
          "download",
          "--dir",
          out,
          "--store",
          "shop-cli",
          "--backup-id",
          "bk1",
          "--manifest-sha256",
          summary.manifestSha256,
        ],
        env,
      );
      expect(down.code, down.stderr).toBe(0);
      expect(JSON.parse(down.stdout)).toMatchObject({
        engine: "medusa",
        store: "shop-cli",
        url: "http://shop-cli.localhost",
      });
      const wrong = await run(
        [
          "download",
          "--dir",
          out,
          "--store",
          "shop-cli",
          "--backup-id",
          "bk1",
          "--manifest-sha256",
          "0".repeat(64),
        ],
        env,
      );
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(
        "storeplane-backup: backup object stores/shop-cli/bk1/manifest.json is corrupted",
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it("names the missing variables of the spec and of the object store", async () => {
    const noSpec = await run(["upload", "--dir", dir], env);
    expect(noSpec.code).toBe(1);
    expect(noSpec.stderr).toContain("invalid backup spec: BACKUP_STORE:");
    expect(noSpec.stderr).toContain("BACKUP_ENGINE:");
    const noStore = await run(["upload", "--dir", dir], {
      ...spec,
      AWS_SECRET_ACCESS_KEY: "do-not-print-me",
    });
    expect(noStore.code).toBe(1);
    expect(noStore.stderr).toContain("invalid object store config: endpoint:");
    expect(noStore.stderr).toContain("bucket:");
    expect(noStore.stderr).not.toContain("do-not-print-me");
  }, 60_000);

  it("exits 75 (retry later) naming the endpoint when nothing answers there", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const down = await run(["upload", "--dir", dir], {
      ...env,
      ...spec,
      BACKUP_S3_ENDPOINT: endpoint,
      AWS_SECRET_ACCESS_KEY: "do-not-print-me",
    });
    expect(down.code).toBe(75);
    expect(down.stderr).toContain(`object store ${endpoint} unreachable (ECONNREFUSED)`);
    expect(down.stderr + down.stdout).not.toContain("do-not-print-me");
  }, 60_000);
});
