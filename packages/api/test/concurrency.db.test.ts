// Quotas, name uniqueness, idempotency and the first admin under real
// concurrency: many connections racing on a real Postgres (PGlite has one
// connection, so it cannot express these races).
import { describeRealPostgres, resetDatabase } from "@storeplane/db/testing";
import { TRPCError } from "@trpc/server";
import { beforeEach, expect, it } from "vitest";
import { anonymous, makeDeps, PASSWORD, signedUp, testConfig, uniqueEmail } from "./helpers.ts";

function codes(results: PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key =
      result.status === "fulfilled"
        ? "ok"
        : result.reason instanceof TRPCError
          ? result.reason.code
          : String(result.reason);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describeRealPostgres("concurrent requests", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  const liveStores = async () =>
    handle().db.selectFrom("stores").selectAll().where("deleted_at", "is", null).execute();

  it("50 parallel creates of one name by one user make exactly one store", async () => {
    const { caller } = await signedUp(makeDeps(handle()));
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        caller.stores.create({ name: "race", engine: "woocommerce" }),
      ),
    );
    expect(codes(results)).toEqual({ ok: 1, CONFLICT: 49 });
    expect(await liveStores()).toHaveLength(1);
    const events = await handle().db.selectFrom("store_events").selectAll().execute();
    expect(events).toHaveLength(1);
  });

  it("50 parallel creates with one idempotency key all return the same store", async () => {
    const { caller } = await signedUp(makeDeps(handle()));
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        caller.stores.create({
          name: "idem-race",
          engine: "medusa",
          idempotencyKey: "race-key-0001",
        }),
      ),
    );
    expect(new Set(results.map((s) => s.id)).size).toBe(1);
    expect(await liveStores()).toHaveLength(1);
    const audit = await handle()
      .db.selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "store.create")
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("50 parallel creates of distinct names with quota 5 make exactly 5", async () => {
    const deps = makeDeps(handle(), { config: testConfig({ STORE_LIMIT_PER_USER: "5" }) });
    const { caller } = await signedUp(deps);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        caller.stores.create({ name: `quota-${i}`, engine: "woocommerce" }),
      ),
    );
    expect(codes(results)).toEqual({ ok: 5, PRECONDITION_FAILED: 45 });
    expect(await liveStores()).toHaveLength(5);
  });

  it("parallel creates by many users stop exactly at the platform limit", async () => {
    const deps = makeDeps(handle(), {
      config: testConfig({ STORE_LIMIT_PER_USER: "5", STORE_LIMIT_PLATFORM: "12" }),
    });
    const users = await Promise.all(Array.from({ length: 5 }, () => signedUp(deps)));
    const results = await Promise.allSettled(
      users.flatMap((user, u) =>
        Array.from({ length: 5 }, (_, i) =>
          user.caller.stores.create({ name: `plat-${u}-${i}`, engine: "medusa" }),
        ),
      ),
    );
    expect(codes(results)).toEqual({ ok: 12, PRECONDITION_FAILED: 13 });
    expect(await liveStores()).toHaveLength(12);
  });

  it("of 10 parallel first sign-ups exactly one becomes admin", async () => {
    const deps = makeDeps(handle());
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        anonymous(deps).auth.signup({ email: uniqueEmail(), password: PASSWORD }),
      ),
    );
    expect(results.filter((r) => r.user.role === "admin")).toHaveLength(1);
  });
});
