// Level: real S3-compatible server. The AWS SDK v3 client of object-store.ts
// against s3rver (testing/s3-server.ts) on a random loopback port: multipart
// streaming upload with its sha256, verified download, list, delete,
// retention, and the failures a backup meets (corrupted object, wrong
// credentials, missing bucket, unreachable endpoint) with their classes.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectStoreError } from "./errors.ts";
import { backupPrefix, manifestKey, partKey } from "./keys.ts";
import { createObjectStore, type ObjectStore } from "./object-store.ts";
import { pruneBackups } from "./prune.ts";
import { startTestS3Server, type TestS3Server } from "./testing/s3-server.ts";

let s3: TestS3Server;
let store: ObjectStore;
let work: string;

beforeAll(async () => {
  s3 = await startTestS3Server();
  store = createObjectStore(s3.config());
  work = mkdtempSync(join(tmpdir(), "storeplane-backup-test-"));
});

afterAll(async () => {
  await s3?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

// A deterministic 20 MiB stream in 1 MiB chunks: three multipart parts of 8 MiB.
function generated(
  chunks: number,
  seed: number,
): { stream: Readable; sha256: string; size: number } {
  const hash = createHash("sha256");
  const parts: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const chunk = createHash("sha512").update(`${seed}:${i}`).digest();
    const block = Buffer.alloc(1024 * 1024, chunk);
    hash.update(block);
    parts.push(block);
  }
  return { stream: Readable.from(parts), sha256: hash.digest("hex"), size: chunks * 1024 * 1024 };
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

describe("object store on a real S3-compatible server (s3rver)", () => {
  it("streams a 20 MiB upload in parts, hashing it on the way, and lists it", async () => {
    const source = generated(20, 1);
    const key = partKey("shop-a", "b1", "database.dump");
    const put = await store.putStream(key, source.stream);
    expect(put).toEqual({ key, size: source.size, sha256: source.sha256 });
    const listed = await store.list(backupPrefix("shop-a", "b1"));
    expect(listed.map((o) => [o.key, o.size])).toEqual([[key, source.size]]);
  });

  it("downloads to the destination only after the sha256 matched", async () => {
    const source = generated(20, 1);
    const destination = join(work, "database.dump");
    const { size } = await store.getFile(
      partKey("shop-a", "b1", "database.dump"),
      destination,
      source.sha256,
    );
    expect(size).toBe(source.size);
    expect(createHash("sha256").update(readFileSync(destination)).digest("hex")).toBe(
      source.sha256,
    );
  });

  it("refuses a corrupted object before anything is overwritten, leaving no partial file", async () => {
    const key = partKey("shop-a", "b2", "uploads.tar.gz");
    const original = Buffer.from("the uploads as backed up");
    const recorded = await store.putStream(key, Readable.from([original]));
    // The object changes after the backup recorded its sha256 (bit rot, a
    // tampering tenant, a wrong object under the key): same size, other bytes.
    const corrupted = Buffer.from(original);
    corrupted[3] = (corrupted[3] ?? 0) ^ 0xff;
    await store.putStream(key, Readable.from([corrupted]));

    const folder = mkdtempSync(join(work, "restore-"));
    const destination = join(folder, "uploads.tar.gz");
    writeFileSync(destination, "live data that must survive");
    const error = await store.getFile(key, destination, recorded.sha256).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ kind: "ChecksumMismatch", errorClass: "terminal" });
    expect((error as Error).message).toContain(`backup object ${key} is corrupted`);
    expect((error as Error).message).toContain(recorded.sha256);
    expect(readFileSync(destination, "utf8")).toBe("live data that must survive");
    expect(readdirSync(folder)).toEqual(["uploads.tar.gz"]);

    await expect(store.getBytes(key, recorded.sha256)).rejects.toMatchObject({
      kind: "ChecksumMismatch",
    });
    expect((await store.getBytes(key)).equals(corrupted)).toBe(true);
  });

  it("keeps the newest N complete backups of a store and ignores unfinished ones and other stores", async () => {
    for (const id of ["r1", "r2", "r3"]) {
      await store.putStream(
        partKey("shop-r", id, "database.dump"),
        Readable.from([Buffer.from(id)]),
      );
      await store.putStream(
        manifestKey("shop-r", id),
        Readable.from([Buffer.from(`{"id":"${id}"}`)]),
      );
      // S3's LastModified has second resolution: same-second backups order by id (r1 < r2 < r3).
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // A backup still being written: parts, no manifest yet.
    await store.putStream(
      partKey("shop-r", "r4", "database.dump"),
      Readable.from([Buffer.from("r4")]),
    );
    await store.putStream(manifestKey("shop-other", "x1"), Readable.from([Buffer.from("{}")]));

    expect((await store.listBackups("shop-r")).map((b) => b.backupId).sort()).toEqual([
      "r1",
      "r2",
      "r3",
    ]);
    expect(await pruneBackups(store, "shop-r", 2)).toEqual(["r1"]);
    expect((await store.list("stores/shop-r/")).map((o) => o.key).sort()).toEqual([
      "stores/shop-r/r2/database.dump",
      "stores/shop-r/r2/manifest.json",
      "stores/shop-r/r3/database.dump",
      "stores/shop-r/r3/manifest.json",
      "stores/shop-r/r4/database.dump",
    ]);
    expect(await store.listBackups("shop-other")).toHaveLength(1);
  });

  it("deletes a whole backup folder", async () => {
    await store.putStream(partKey("shop-d", "d1", "a"), Readable.from([Buffer.from("a")]));
    await store.putStream(partKey("shop-d", "d1", "b"), Readable.from([Buffer.from("b")]));
    expect(await store.deletePrefix(backupPrefix("shop-d", "d1"))).toBe(2);
    expect(await store.list("stores/shop-d/")).toEqual([]);
    await expect(store.getBytes(partKey("shop-d", "d1", "a"))).rejects.toMatchObject({
      kind: "NoSuchKey",
    });
  });

  it("keeps objects under the configured prefix so one bucket serves several platforms", async () => {
    const prefixed = createObjectStore(s3.config({ prefix: "platform-b/" }));
    await prefixed.putStream(manifestKey("shop-p", "p1"), Readable.from([Buffer.from("{}")]));
    expect(await prefixed.listBackups("shop-p")).toHaveLength(1);
    expect(await store.listBackups("shop-p")).toHaveLength(0);
    expect((await store.list("platform-b/")).map((o) => o.key)).toEqual([
      "platform-b/stores/shop-p/p1/manifest.json",
    ]);
  });

  it("fails the upload when its source fails, instead of storing a truncated object", async () => {
    const key = partKey("shop-f", "f1", "database.dump");
    const failing = new Readable({
      read() {
        this.push(randomBytes(1024));
        this.destroy(new Error("pg_dump exited 1"));
      },
    });
    await expect(store.putStream(key, failing)).rejects.toThrow();
    expect(await store.list(backupPrefix("shop-f", "f1"))).toEqual([]);
  });

  it("refuses wrong credentials as terminal AccessDenied (s3rver checks SigV4)", async () => {
    const wrong = createObjectStore(s3.config({ secretAccessKey: "not-the-secret" }));
    const error = await wrong
      .putStream(partKey("shop-x", "x", "a"), Readable.from([Buffer.from("a")]))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "AccessDenied",
      errorClass: "terminal",
      conditionReason: "ObjectStoreAccessDenied",
    });
    expect((error as Error).message).not.toContain("not-the-secret");
    await expect(wrong.check()).rejects.toMatchObject({ kind: "AccessDenied" });
  });

  it("names a missing bucket", async () => {
    const missing = createObjectStore(s3.config({ bucket: "no-such-bucket" }));
    await expect(missing.check()).rejects.toMatchObject({
      kind: "NoSuchBucket",
      errorClass: "terminal",
      message: `bucket no-such-bucket does not exist at ${s3.endpoint}`,
    });
    await expect(
      missing.putStream("stores/a/b/c", Readable.from([Buffer.from("c")])),
    ).rejects.toMatchObject({ kind: "NoSuchBucket" });
  });

  it("fails against an unreachable endpoint with a retryable error naming the endpoint", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const down = createObjectStore(s3.config({ endpoint, maxAttempts: 1 }));
    const error = await down
      .putStream(partKey("shop-u", "u1", "database.dump"), Readable.from([Buffer.from("x")]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ kind: "Unreachable", errorClass: "transient", transient: true });
    expect((error as Error).message).toContain(
      `object store ${endpoint} unreachable (ECONNREFUSED)`,
    );
    expect((error as Error).message).toContain("will retry");
    await expect(down.check()).rejects.toMatchObject({ kind: "Unreachable" });
    expect(existsSync(work)).toBe(true);
  });
});
