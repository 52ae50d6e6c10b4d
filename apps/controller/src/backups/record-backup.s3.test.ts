// Level: real S3-compatible server (s3rver) and real databases (PGlite and
// Postgres). The controller's record step: a completed backup Job's manifest
// read back from the bucket onto the row, retention of scheduled backups in
// the bucket and on the rows, and the failures the step can meet.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createObjectStore, type ObjectStore, writeBackup } from "@storeplane/backup";
import { startTestS3Server, type TestS3Server } from "@storeplane/backup/testing";
import {
  type Backup,
  findBackupById,
  markBackupRunning,
  requestBackup,
  setBackupSchedule,
} from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { recordCompletedBackup } from "./record-backup.ts";

let s3: TestS3Server;
let objects: ObjectStore;
let parts: string;
let counter = 0;

beforeAll(async () => {
  s3 = await startTestS3Server();
  objects = createObjectStore(s3.config());
  parts = mkdtempSync(join(tmpdir(), "record-backup-"));
  writeFileSync(join(parts, "database.dump"), "dump bytes");
});
afterAll(async () => {
  await s3?.stop();
  if (parts) rmSync(parts, { recursive: true, force: true });
});

describeEachDatabase("recording a completed backup", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function runningBackup(kind: "on-demand" | "scheduled" = "on-demand", name?: string) {
    const { db } = handle();
    counter += 1;
    const storeName = name ?? `rec-${counter}`;
    let store = await db
      .selectFrom("stores")
      .selectAll()
      .where("name", "=", storeName)
      .executeTakeFirst();
    if (!store) {
      const owner = await db
        .insertInto("users")
        .values({
          email: `rec${counter}-${Date.now()}@example.test`,
          password_hash: "x",
          role: "member",
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      store = await db
        .insertInto("stores")
        .values({ name: storeName, engine: "medusa", plan: "small", owner_id: owner.id })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const requested = await requestBackup(db, { storeId: store.id, kind, requestedBy: "schedule" });
    if (!("backup" in requested)) throw new Error(requested.refused);
    await markBackupRunning(db, requested.backup.id, new Date(Date.now() - 3_000));
    return { store, backup: (await findBackupById(db, requested.backup.id)) as Backup };
  }

  const spec = (store: string, backupId: string) => ({
    store,
    backupId,
    engine: "medusa" as const,
    plan: "small",
    chartVersion: "0.1.0",
    valuesDigest: "sha256:x",
    url: `http://${store}.localhost`,
  });

  it("puts the manifest's sha256, the total size and the key on the row", async () => {
    const { store, backup } = await runningBackup();
    const written = await writeBackup(objects, spec(store.name, backup.id), parts);
    const result = await recordCompletedBackup(
      handle().db,
      objects,
      backup,
      store.name,
      new Date(),
    );
    expect(result).toEqual({
      outcome: "succeeded",
      sizeBytes: written.size,
      sha256: written.manifestSha256,
      pruned: [],
    });
    const row = await findBackupById(handle().db, backup.id);
    expect(row).toMatchObject({
      status: "succeeded",
      sha256: written.manifestSha256,
      object_key: written.manifestKey,
      error: null,
    });
    expect(Number(row?.size_bytes)).toBe(written.size);
    expect(row?.duration_ms).toBeGreaterThanOrEqual(3_000);
  });

  it("fails the backup when the Job completed without a manifest", async () => {
    const { store, backup } = await runningBackup();
    const result = await recordCompletedBackup(
      handle().db,
      objects,
      backup,
      store.name,
      new Date(),
    );
    expect(result).toMatchObject({
      outcome: "failed",
      error: expect.stringContaining("its manifest cannot be read: no object at"),
    });
    expect(await findBackupById(handle().db, backup.id)).toMatchObject({ status: "failed" });
  });

  it("keeps a scheduled store's newest N backups, in the bucket and on the rows", async () => {
    const name = `sched-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { store, backup } = await runningBackup("scheduled", name);
      if (i === 0)
        await setBackupSchedule(
          handle().db,
          { storeId: store.id, frequency: "daily", keep: 2 },
          new Date(),
        );
      await writeBackup(objects, spec(name, backup.id), parts);
      const result = await recordCompletedBackup(handle().db, objects, backup, name, new Date());
      expect(result.outcome).toBe("succeeded");
      ids.push(backup.id);
      // Completion times a few milliseconds apart: the rows order them.
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await objects.listBackups(name)).map((b) => b.backupId).sort()).toEqual(
      [ids[1], ids[2]].sort(),
    );
    expect((await findBackupById(handle().db, ids[0] as string))?.pruned_at).toBeInstanceOf(Date);
    expect((await findBackupById(handle().db, ids[2] as string))?.pruned_at).toBeNull();
  });

  it("leaves the row running when the object store is unreachable, for the next pass", async () => {
    const { store, backup } = await runningBackup();
    const down = createObjectStore(s3.config({ endpoint: "http://127.0.0.1:9", maxAttempts: 1 }));
    await expect(
      recordCompletedBackup(handle().db, down, backup, store.name, new Date()),
    ).rejects.toMatchObject({
      kind: "Unreachable",
      errorClass: "transient",
    });
    expect(await findBackupById(handle().db, backup.id)).toMatchObject({ status: "running" });
  });
});
