// Level: db (PGlite and real Postgres). The database records the CLUSTER mode
// of the first process that opens it; the other mode is refused with a message
// naming both modes and the fix.
import { beforeEach, expect, it } from "vitest";
import { claimDatabaseMode, DatabaseModeMismatch } from "../src/database-mode.ts";
import { describeEachDatabase } from "../src/testing/index.ts";

describeEachDatabase("database mode", ({ handle }) => {
  beforeEach(async () => {
    await handle().db.deleteFrom("platform_settings").execute();
  });

  it("the first start records its mode; the same mode starts again", async () => {
    const { db } = handle();
    await claimDatabaseMode(db, "simulated", "test db");
    await claimDatabaseMode(db, "simulated", "test db");
    const rows = await db.selectFrom("platform_settings").selectAll().execute();
    expect(rows.map((r) => [r.key, r.value])).toEqual([["cluster_mode", "simulated"]]);
  });

  it("a kube process refuses a simulated database, naming both modes and the fix", async () => {
    const { db } = handle();
    await claimDatabaseMode(db, "simulated", "PGlite (embedded) at /x");
    const refusal = await claimDatabaseMode(db, "kube", "PGlite (embedded) at /x").catch(
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(DatabaseModeMismatch);
    expect((refusal as Error).message).toMatch(
      /^refusing to start with CLUSTER=kube: the database \(PGlite \(embedded\) at \/x\) belongs to CLUSTER=simulated, and its stores would be reconciled against a real cluster\. Fix: start with CLUSTER=simulated, or give CLUSTER=kube a database of its own \(unset PGLITE_DATA_DIR for the default \.data\/pglite, or point DATABASE_URL at another database\)\.$/,
    );
    // Refusing changes nothing: the database still belongs to simulated mode.
    await expect(claimDatabaseMode(db, "simulated", "x")).resolves.toBeUndefined();
  });

  it("a simulated process refuses a real database", async () => {
    const { db } = handle();
    await claimDatabaseMode(db, "kube", "Postgres at db:5432/storeplane");
    await expect(
      claimDatabaseMode(db, "simulated", "Postgres at db:5432/storeplane"),
    ).rejects.toThrow(
      /CLUSTER=simulated: the database \(Postgres at db:5432\/storeplane\) belongs to CLUSTER=kube\. Fix: .*default \.data\/pglite-simulated/,
    );
  });
});
