// The planner and the rollout repository together on a real database: each
// pass plans from the rows and writes its step. The controller's part (helm
// upgrade, status) is played by `controllerReports`, which writes the status
// columns the way reconcile does; the simulated-cluster test of the wired
// driver is still to come (docs/fleet.md).
import {
  type Condition,
  changeRolloutState,
  type Database,
  listRolloutStores,
  startRollout,
} from "@storeplane/db";
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import type { Kysely } from "kysely";
import { beforeEach, expect, it } from "vitest";
import { advanceRollout } from "./advance-rollout.ts";

const T0 = new Date("2026-12-02T03:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function condition(type: string, status: "True" | "False", reason: string, generation: number) {
  return {
    type,
    status,
    reason,
    message: reason,
    observedGeneration: generation,
    lastTransitionTime: T0.toISOString(),
  } satisfies Condition;
}

/** What reconcile writes after acting on each store's current generation. */
async function controllerReports(
  db: Kysely<Database>,
  storeIds: string[],
  outcome: "ready" | "failed",
) {
  for (const id of storeIds) {
    const store = await db
      .selectFrom("stores")
      .select(["generation", "chart_version"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    const ready = outcome === "ready";
    await db
      .updateTable("stores")
      .set({
        phase: ready ? "Ready" : "Failed",
        observed_generation: store.generation,
        conditions: JSON.stringify([
          condition(
            "Ready",
            ready ? "True" : "False",
            ready ? "StoreReady" : "ReleaseFailed",
            store.generation,
          ),
        ]),
        ...(ready
          ? { deployed_chart_version: store.chart_version, last_error: null }
          : {
              last_error: "helm upgrade: pre-upgrade hook failed: BackoffLimitExceeded",
            }),
      })
      .where("id", "=", id)
      .execute();
  }
}

describeEachDatabase("advancing a rollout", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  async function fleet(count: number) {
    const { db } = handle();
    const owner = await db
      .insertInto("users")
      .values({ email: "fleet@example.test", password_hash: "x", role: "member" })
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .insertInto("stores")
      .values(
        Array.from({ length: count }, (_, i) => ({
          name: `fleet-${i}`,
          engine: "woocommerce" as const,
          plan: "small" as const,
          owner_id: owner.id,
          chart_version: "0.2.0",
          deployed_chart_version: "0.2.0",
        })),
      )
      .execute();
    const started = await startRollout(db, {
      engine: "woocommerce",
      targetChartVersion: "0.3.0",
      waveDeadlineSeconds: 600,
      pauseSeconds: 60,
      maxUnavailable: 2,
      createdBy: "user:admin@example.test",
    });
    if ("refused" in started) throw new Error(started.refused);
    return started;
  }

  async function versions() {
    const rows = await handle()
      .db.selectFrom("stores")
      .select(["id", "chart_version", "generation"])
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  it("moves 7 stores wave by wave to the target, each assigned exactly once", async () => {
    const { db } = handle();
    const { rollout, stores } = await fleet(7);
    const initial = await versions();
    let now = T0;
    const assigned: string[][] = [];
    for (let pass = 0; pass < 200; pass++) {
      const step = await advanceRollout(db, rollout.id, now);
      if (!step || step.kind === "complete") break;
      if (step.kind === "assign") {
        assigned.push(step.storeIds);
        await controllerReports(db, step.storeIds, "ready");
      }
      if (step.kind === "wait") now = step.until ?? at(now.getTime() / 1000 + 1);
    }
    // max unavailable 2: wave 2 (3 stores) and wave 3 (3 stores) go 2 + 1.
    expect(assigned.map((ids) => ids.length)).toEqual([1, 2, 1, 2, 1]);
    expect(new Set(assigned.flat()).size).toBe(7);
    const final = await versions();
    for (const s of stores) {
      expect(final.get(s.store_id)?.chart_version).toBe("0.3.0");
      // One generation bump per store: exactly one helm upgrade follows.
      expect(final.get(s.store_id)?.generation).toBe(
        (initial.get(s.store_id)?.generation ?? 0) + 1,
      );
    }
    const members = await listRolloutStores(db, rollout.id);
    expect(members.every((m) => m.state === "succeeded")).toBe(true);
    const row = await db
      .selectFrom("rollouts")
      .selectAll()
      .where("id", "=", rollout.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe("completed");
  });

  it("a failing canary halts the rollout, sends the canary back, and touches no other store", async () => {
    const { db } = handle();
    const { rollout, stores } = await fleet(7);
    const initial = await versions();
    const first = await advanceRollout(db, rollout.id, T0);
    expect(first).toMatchObject({ kind: "assign", wave: 1 });
    const canary = stores[0]?.store_id ?? "";
    expect(first).toMatchObject({ storeIds: [canary] });
    await controllerReports(db, [canary], "failed");

    const halt = await advanceRollout(db, rollout.id, at(20));
    const reason =
      "upgrade to 0.3.0 failed: helm upgrade: pre-upgrade hook failed: BackoffLimitExceeded";
    expect(halt).toEqual({ kind: "halt", storeId: canary, reason });
    const row = await db
      .selectFrom("rollouts")
      .selectAll()
      .where("id", "=", rollout.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "halted", halted_store_id: canary, halt_reason: reason });
    const after = await versions();
    expect(after.get(canary)).toMatchObject({
      chart_version: "0.2.0",
      generation: (initial.get(canary)?.generation ?? 0) + 2,
    });
    for (const s of stores.slice(1)) expect(after.get(s.store_id)).toEqual(initial.get(s.store_id));

    // Halted: nothing more moves, however long it waits...
    expect(await advanceRollout(db, rollout.id, at(5_000))).toEqual({
      kind: "idle",
      why: "rollout halted",
    });
    // ...except recording the rollback once the canary is Ready on 0.2.0 again.
    await controllerReports(db, [canary], "ready");
    expect(await advanceRollout(db, rollout.id, at(5_010))).toEqual({
      kind: "mark-rolled-back",
      storeIds: [canary],
    });
    // Aborted: the other stores stay where they are.
    await changeRolloutState(db, rollout.id, "abort", at(5_020));
    expect(await advanceRollout(db, rollout.id, at(9_000))).toEqual({
      kind: "idle",
      why: "rollout aborted",
    });
    const final = await versions();
    for (const s of stores.slice(1)) expect(final.get(s.store_id)).toEqual(initial.get(s.store_id));
  });
});
