// Level: unit. The pure rules of backups in the bucket: key layout (no way out
// of a store's folder), retention, config validation, and which S3 failures
// are worth a retry.
import { describe, expect, it } from "vitest";
import { parseObjectStoreConfig } from "./config.ts";
import { objectStoreErrorFrom } from "./errors.ts";
import { backupPrefix, manifestKey, partKey, storePrefix } from "./keys.ts";
import { backupsToPrune } from "./retention.ts";

const context = { endpoint: "https://s3.example.test", bucket: "b", key: "k", operation: "upload" };

describe("backup keys", () => {
  it("puts every backup in its own folder under its store", () => {
    expect(storePrefix("shop")).toBe("stores/shop/");
    expect(backupPrefix("shop", "bk_01")).toBe("stores/shop/bk_01/");
    expect(manifestKey("shop", "bk_01")).toBe("stores/shop/bk_01/manifest.json");
    expect(partKey("shop", "bk_01", "database.dump")).toBe("stores/shop/bk_01/database.dump");
  });

  it.each([
    ["store", () => storePrefix("../other"), /store name "..\/other" must be a DNS-1123 label/],
    ["store", () => storePrefix("Shop"), /must be a DNS-1123 label/],
    ["backup id", () => backupPrefix("shop", "a/b"), /backup id "a\/b" must be/],
    ["backup id", () => backupPrefix("shop", ""), /backup id "" must be/],
    ["part", () => partKey("shop", "b", "../x"), /backup part name "..\/x" must be/],
    ["part", () => partKey("shop", "b", "a..b"), /backup part name "a..b" must be/],
  ])("refuses a %s name that could leave the store's folder", (_what, make, message) => {
    expect(make).toThrow(message);
  });
});

describe("retention", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 3, minute));
  const backups = [
    { backupId: "b2", completedAt: at(2) },
    { backupId: "b4", completedAt: at(4) },
    { backupId: "b1", completedAt: at(1) },
    { backupId: "b3", completedAt: at(3) },
  ];

  it("keeps the newest N and returns the rest", () => {
    expect(backupsToPrune(backups, 2).map((b) => b.backupId)).toEqual(["b2", "b1"]);
    expect(backupsToPrune(backups, 4)).toEqual([]);
    expect(backupsToPrune(backups, 7)).toEqual([]);
  });

  it("refuses to keep fewer than one", () => {
    expect(() => backupsToPrune(backups, 0)).toThrow(
      "keep must be a whole number of at least 1, got 0",
    );
    expect(() => backupsToPrune(backups, 1.5)).toThrow(/got 1.5/);
  });
});

describe("object store config", () => {
  const valid = {
    endpoint: "https://s3.example.test",
    bucket: "storeplane-backups",
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "very-secret-value",
  };

  it("fills defaults", () => {
    expect(parseObjectStoreConfig(valid)).toMatchObject({
      region: "us-east-1",
      forcePathStyle: true,
      prefix: "",
      maxAttempts: 3,
    });
  });

  it("names every bad field and never echoes the secret", () => {
    let message = "";
    try {
      parseObjectStoreConfig({
        ...valid,
        endpoint: "ftp://x",
        bucket: "Bad_Bucket",
        accessKeyId: "",
        prefix: "no-slash",
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid object store config: /);
    expect(message).toContain("endpoint: endpoint must be an http:// or https:// URL");
    expect(message).toContain("bucket: bucket must be an S3 bucket name");
    expect(message).toContain("accessKeyId: accessKeyId must be set");
    expect(message).toContain("prefix: prefix must be empty or folder names each ending in '/'");
    expect(message).not.toContain("very-secret-value");
  });
});

describe("S3 failures and their classes", () => {
  const sdkError = (name: string, status?: number) =>
    Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status } });

  it.each([
    [Object.assign(new Error("connect"), { code: "ECONNREFUSED" }), "Unreachable", "transient"],
    [
      new Error("wrapped", { cause: Object.assign(new Error("dns"), { code: "ENOTFOUND" }) }),
      "Unreachable",
      "transient",
    ],
    [Object.assign(new Error("slow"), { name: "TimeoutError" }), "Unreachable", "transient"],
    [sdkError("InternalError", 500), "Unreachable", "transient"],
    [sdkError("SlowDown", 503), "Unreachable", "transient"],
    [sdkError("AccessDenied", 403), "AccessDenied", "terminal"],
    [sdkError("SignatureDoesNotMatch", 403), "AccessDenied", "terminal"],
    [sdkError("NoSuchBucket", 404), "NoSuchBucket", "terminal"],
    [sdkError("NoSuchKey", 404), "NoSuchKey", "terminal"],
    [sdkError("EntityTooLarge", 400), "ObjectStoreFailed", "terminal"],
  ])("%s → %s (%s)", (error, kind, errorClass) => {
    expect(objectStoreErrorFrom(error, context)).toMatchObject({ kind, errorClass });
  });

  it("says where an unreachable store is", () => {
    const error = objectStoreErrorFrom(
      Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
      context,
    );
    expect(error.message).toBe(
      "object store https://s3.example.test unreachable (ECONNREFUSED) during upload b/k at https://s3.example.test; will retry",
    );
    expect(error.conditionReason).toBe("ObjectStoreUnreachable");
  });
});
