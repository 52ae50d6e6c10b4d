// Level: real S3-compatible server (s3rver) and real databases (PGlite and
// Postgres). Backups go with their store: a deleted store's backups are
// removed from the bucket and their rows marked pruned; a live store's, and
// a new store's that took the deleted one's name, stay; an unreachable bucket
// leaves the rows for the next pass.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStore, type ObjectStore, writeBackup } from "@storeplane/backup";
import { startTestS3Server, type TestS3Server } from "@storeplane/backup/testing";
import {
  completeBackup,
  findBackupById,
  markBackupRunning,
  requestBackup,
  type Store,
} from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { purgeBackupsOfDeletedStores } from "./purge-deleted.ts";

let s3: TestS3Server;
let objects: ObjectStore;
let parts: string;
let counter = 0;

beforeAll(async () => {
  s3 = await startTestS3Server();
  objects = createObjectStore(s3.config());
  parts = mkdtempSync(join(tmpdir(), "purge-deleted-"));
  writeFileSync(join(parts, "database.dump"), "dump bytes");
});
afterAll(async () => {
  await s3?.stop();
  if (parts) rmSync(parts, { recursive: true, force: true });
});

describeEachDatabase("removing the backups of deleted stores", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function storeNamed(name: string): Promise<Store> {
    const { db } = handle();
    counter += 1;
    const owner = await db
      .insertInto("users")
      .values({
        email: `purge${counter}-${Date.now()}@example.test`,
        password_hash: "x",
        role: "member",
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return db
      .insertInto("stores")
      .values({ name, engine: "medusa", plan: "small", owner_id: owner.id, phase: "Ready" })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** A complete backup, in the bucket (parts and manifest, as the Job writes them) and on its row. */
  async function backupOf(store: Store): Promise<string> {
    const { db } = handle();
    const requested = await requestBackup(db, {
      storeId: store.id,
      kind: "on-demand",
      requestedBy: "t",
    });
    if (!("backup" in requested)) throw new Error(requested.refused);
    const id = requested.backup.id;
    await markBackupRunning(db, id, new Date());
    const written = await writeBackup(
      objects,
      {
        store: store.name,
        backupId: id,
        engine: "medusa",
        plan: "small",
        chartVersion: "0.1.0",
        valuesDigest: "sha256:x",
        url: `http://${store.name}.localhost`,
      },
      parts,
    );
    await completeBackup(
      db,
      id,
      {
        sizeBytes: written.size,
        durationMs: 1,
        sha256: written.manifestSha256,
        objectKey: written.manifestKey,
      },
      new Date(),
    );
    return id;
  }

  async function markDeleted(store: Store) {
    await handle()
      .db.updateTable("stores")
      .set({ deletion_requested_at: new Date(), deleted_at: new Date() })
      .where("id", "=", store.id)
      .execute();
  }

  const keysUnder = async (prefix: string) => (await objects.list(prefix)).map((o) => o.key).sort();

  it("removes a deleted store's backups from the bucket and marks them pruned, leaving other stores' and a new namesake's", async () => {
    const gone = await storeNamed(`gone-${counter}`);
    const goneFirst = await backupOf(gone);
    const goneSecond = await backupOf(gone);
    const live = await storeNamed(`live-${counter}`);
    const liveBackup = await backupOf(live);
    await markDeleted(gone);
    // The name is free once the store is deleted: a new store takes it and backs up.
    const namesake = await storeNamed(gone.name);
    const namesakeBackup = await backupOf(namesake);
    expect(await keysUnder(`stores/${gone.name}/${goneFirst}/`)).toHaveLength(2);

    const now = new Date();
    const outcome = await purgeBackupsOfDeletedStores(handle().db, objects, now);
    expect(outcome).toEqual({ purged: [goneFirst, goneSecond].sort(), deferred: [] });
    expect(await keysUnder(`stores/${gone.name}/${goneFirst}/`)).toEqual([]);
    expect(await keysUnder(`stores/${gone.name}/${goneSecond}/`)).toEqual([]);
    for (const id of [goneFirst, goneSecond]) {
      expect((await findBackupById(handle().db, id))?.pruned_at?.getTime()).toBe(now.getTime());
    }
    expect(await keysUnder(`stores/${gone.name}/${namesakeBackup}/`)).toHaveLength(2);
    expect(await keysUnder(`stores/${live.name}/${liveBackup}/`)).toHaveLength(2);
    expect((await findBackupById(handle().db, namesakeBackup))?.pruned_at).toBeNull();

    // Nothing left to do: the next pass is a no-op.
    expect(await purgeBackupsOfDeletedStores(handle().db, objects, new Date())).toEqual({
      purged: [],
      deferred: [],
    });
  });

  it("leaves the rows and the objects for the next pass when the bucket is unreachable", async () => {
    const gone = await storeNamed(`down-${counter}`);
    const id = await backupOf(gone);
    await markDeleted(gone);
    const down = createObjectStore(s3.config({ endpoint: "http://127.0.0.1:9", maxAttempts: 1 }));
    const outcome = await purgeBackupsOfDeletedStores(handle().db, down, new Date());
    expect(outcome.purged).toEqual([]);
    expect(outcome.deferred).toEqual([
      { store: gone.name, reason: expect.stringMatching(/127\.0\.0\.1:9/) },
    ]);
    expect((await findBackupById(handle().db, id))?.pruned_at).toBeNull();
    expect(await keysUnder(`stores/${gone.name}/${id}/`)).toHaveLength(2);

    // The bucket is back: the next pass finishes the job.
    expect((await purgeBackupsOfDeletedStores(handle().db, objects, new Date())).purged).toEqual([
      id,
    ]);
    expect(await keysUnder(`stores/${gone.name}/${id}/`)).toEqual([]);
  });
});
