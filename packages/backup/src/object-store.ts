// Backup objects in an S3-compatible store, through the AWS SDK v3. Uploads
// stream (multipart through @aws-sdk/lib-storage, so a dump of any size never
// sits in memory) and hash on the way; downloads land in a temporary file
// beside the destination and replace it only after their sha256 matched the
// one recorded at backup time, so a corrupted or swapped object never
// overwrites anything.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { PassThrough, type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  paginateListObjectsV2,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { BuildMiddleware, MetadataBearer } from "@aws-sdk/types";
import type { ObjectStoreConfig } from "./config.ts";
import { ObjectStoreError, objectStoreErrorFrom } from "./errors.ts";
import { MANIFEST_NAME, storePrefix } from "./keys.ts";
import type { StoredBackup } from "./retention.ts";

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface PutResult {
  key: string;
  size: number;
  sha256: string;
}

export interface ObjectStore {
  readonly endpoint: string;
  readonly bucket: string;
  /** Fails with a classified error when the store cannot be reached or the bucket is missing. */
  check(): Promise<void>;
  putStream(key: string, body: Readable, contentType?: string): Promise<PutResult>;
  putFile(key: string, path: string, contentType?: string): Promise<PutResult>;
  /** Writes the object to `path` only if its sha256 is `expectedSha256`. */
  getFile(key: string, path: string, expectedSha256: string): Promise<{ size: number }>;
  /** A small object (a manifest) in memory, checked against `expectedSha256` when given. */
  getBytes(key: string, expectedSha256?: string): Promise<Buffer>;
  list(prefix: string): Promise<StoredObject[]>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<number>;
  /** The complete backups of a store (those whose manifest exists). */
  listBackups(store: string): Promise<StoredBackup[]>;
}

// A multipart part: S3's minimum is 5 MiB; 8 MiB × 2 in flight bounds memory to ≈ 16 MiB.
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

function hashingCounter() {
  const hash = createHash("sha256");
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, result: () => ({ size, sha256: hash.digest("hex") }) };
}

// SDK v3 sends bucket-level requests (list, head bucket) path-style as
// `/bucket/?list-type=2` and signs that path; SDK v2, most S3-compatible
// servers and S3 itself take `/bucket?…` as the same resource, and some
// (s3rver, the server of our tests) rebuild the canonical path without the
// slash and refuse the signature. Sending `/bucket` is valid everywhere. Runs
// at the build step, before the request is signed.
const BUCKET_ONLY_PATH = /^\/[^/]+\/$/;
const BUCKET_PATH_STEP = { step: "build", name: "storeplaneBucketPathWithoutSlash" } as const;
const bucketPathWithoutSlash: BuildMiddleware<object, MetadataBearer> = (next) => async (args) => {
  const request = args.request as { path?: unknown };
  if (typeof request.path === "string" && BUCKET_ONLY_PATH.test(request.path)) {
    request.path = request.path.slice(0, -1);
  }
  return next(args);
};

export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: config.maxAttempts,
    requestHandler: { connectionTimeout: config.connectTimeoutMs },
    // Since SDK 3.729 the default adds CRC32 trailers with aws-chunked bodies
    // ("STREAMING-UNSIGNED-PAYLOAD-TRAILER"), which many S3-compatible servers
    // (s3rver, older MinIO, Ceph) reject. Our own sha256 guards integrity.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  if (config.forcePathStyle) client.middlewareStack.add(bucketPathWithoutSlash, BUCKET_PATH_STEP);
  const { bucket, endpoint } = config;
  const full = (key: string) => `${config.prefix}${key}`;
  const fail = (error: unknown, operation: string, key?: string) =>
    objectStoreErrorFrom(error, { endpoint, bucket, key, operation });

  async function putStream(key: string, body: Readable, contentType = "application/octet-stream") {
    const counter = hashingCounter();
    const upload = new Upload({
      client,
      params: {
        Bucket: bucket,
        Key: full(key),
        Body: body.pipe(counter.stream),
        ContentType: contentType,
      },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    // A failing source must fail the upload too, not leave it waiting for bytes.
    body.once("error", (error) => counter.stream.destroy(error));
    try {
      await upload.done();
    } catch (error) {
      throw fail(error, "upload", key);
    }
    return { key, ...counter.result() };
  }

  async function open(key: string): Promise<Readable> {
    try {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
      if (!response.Body) throw new ObjectStoreError("ObjectStoreFailed", `GET ${key}: empty body`);
      return response.Body as Readable;
    } catch (error) {
      throw fail(error, "download", key);
    }
  }

  function mismatch(key: string, expected: string, actual: string) {
    return new ObjectStoreError(
      "ChecksumMismatch",
      `backup object ${key} is corrupted: sha256 ${actual} differs from the recorded ${expected}; nothing was restored`,
    );
  }

  async function list(prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    try {
      for await (const page of paginateListObjectsV2(
        { client },
        { Bucket: bucket, Prefix: full(prefix) },
      )) {
        for (const item of page.Contents ?? []) {
          if (!item.Key) continue;
          objects.push({
            key: item.Key.slice(config.prefix.length),
            size: item.Size ?? 0,
            lastModified: item.LastModified ?? new Date(0),
          });
        }
      }
    } catch (error) {
      throw fail(error, "list", prefix);
    }
    return objects;
  }

  async function remove(key: string) {
    try {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(key) }));
    } catch (error) {
      throw fail(error, "delete", key);
    }
  }

  return {
    endpoint,
    bucket,
    async check() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        const e = fail(error, "check bucket");
        // HeadBucket answers a bare 404 for a missing bucket.
        if (e.kind === "NoSuchKey") {
          throw new ObjectStoreError(
            "NoSuchBucket",
            `bucket ${bucket} does not exist at ${endpoint}`,
            { cause: e.cause },
          );
        }
        throw e;
      }
    },
    putStream,
    putFile: (key, path, contentType) => putStream(key, createReadStream(path), contentType),
    async getFile(key, path, expectedSha256) {
      const temporary = join(
        dirname(path),
        `.${basename(path)}.${randomBytes(6).toString("hex")}.partial`,
      );
      const counter = hashingCounter();
      try {
        await pipeline(
          await open(key),
          counter.stream,
          createWriteStream(temporary, { mode: 0o600 }),
        );
      } catch (error) {
        await rm(temporary, { force: true });
        throw error instanceof ObjectStoreError ? error : fail(error, "download", key);
      }
      const { size, sha256 } = counter.result();
      if (sha256 !== expectedSha256) {
        await rm(temporary, { force: true });
        throw mismatch(key, expectedSha256, sha256);
      }
      await rename(temporary, path);
      return { size };
    },
    async getBytes(key, expectedSha256) {
      const chunks: Buffer[] = [];
      const sink = new PassThrough();
      sink.on("data", (chunk: Buffer) => chunks.push(chunk));
      try {
        await pipeline(await open(key), sink);
      } catch (error) {
        throw error instanceof ObjectStoreError ? error : fail(error, "download", key);
      }
      const bytes = Buffer.concat(chunks);
      if (expectedSha256) {
        const actual = createHash("sha256").update(bytes).digest("hex");
        if (actual !== expectedSha256) throw mismatch(key, expectedSha256, actual);
      }
      return bytes;
    },
    list,
    delete: remove,
    async deletePrefix(prefix) {
      if (!prefix.endsWith("/")) throw new Error(`prefix "${prefix}" must end in "/"`);
      const objects = await list(prefix);
      for (const object of objects) await remove(object.key);
      return objects.length;
    },
    async listBackups(store) {
      const prefix = storePrefix(store);
      const objects = await list(prefix);
      return objects
        .filter((o) => o.key.endsWith(`/${MANIFEST_NAME}`))
        .map((o) => ({
          backupId: o.key.slice(prefix.length, -(MANIFEST_NAME.length + 1)),
          completedAt: o.lastModified,
        }))
        .filter((b) => b.backupId.length > 0 && !b.backupId.includes("/"));
    },
  };
}
