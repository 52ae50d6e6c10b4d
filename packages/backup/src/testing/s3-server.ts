// A real S3-compatible server for tests: s3rver (the maintained
// @20minutes/s3rver fork, installed by `npm install` as a devDependency; see
// docs/decisions/007-backup-object-store.md). It speaks the S3 REST API over
// HTTP, checks SigV4 signatures against its one account (S3RVER/S3RVER), and
// keeps objects as files in a temp dir. It runs in the test's process on a
// random loopback port; nothing of ours is faked.
/// <reference path="./s3rver.d.ts" />
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "@20minutes/s3rver";
import type { ObjectStoreConfig } from "../config.ts";

export interface TestS3Server {
  endpoint: string;
  directory: string;
  /** A config for the bucket the server was started with. */
  config: (overrides?: Partial<ObjectStoreConfig>) => ObjectStoreConfig;
  stop: () => Promise<void>;
}

/** s3rver's built-in account (lib/models/account.js, DUMMY_ACCOUNT). */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export async function startTestS3Server(bucket = "storeplane-backups"): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), "storeplane-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    directory,
    config: (overrides = {}) => ({
      endpoint,
      region: "us-east-1",
      bucket,
      forcePathStyle: true,
      prefix: "",
      ...S3RVER_CREDENTIALS,
      connectTimeoutMs: 2_000,
      maxAttempts: 2,
      ...overrides,
    }),
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
