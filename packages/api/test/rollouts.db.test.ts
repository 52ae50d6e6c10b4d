// Rollout procedures (issue 16) at the API: admins only, input refused with
// the field and the rule, one active rollout per engine, pause/resume/abort
// with checked transitions, an audit entry per action, and nothing written by
// a refused call. The wave planner is tested in
// apps/controller/src/rollouts/plan-rollout.unit.test.ts.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { beforeEach, expect, it } from "vitest";
import { getFieldErrors } from "../src/trpc.ts";
import { expectTrpcError, makeDeps, rowCounts, signedUp, testConfig } from "./helpers.ts";

describeEachDatabase("rollout procedures", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  /** An admin (the first account), a member, and `count` woocommerce stores of the member on 0.2.0. */
  async function fleet(count: number) {
    const deps = makeDeps(handle(), { config: testConfig({ STORE_LIMIT_PER_USER: "20" }) });
    const admin = await signedUp(deps);
    const member = await signedUp(deps);
    const stores = [];
    for (let i = 0; i < count; i++) {
      stores.push(await member.caller.stores.create({ name: `fleet-${i}`, engine: "woocommerce" }));
    }
    await handle()
      .db.updateTable("stores")
      .set({ chart_version: "0.2.0", deployed_chart_version: "0.2.0" })
      .execute();
    return { admin, member, stores };
  }

  async function counts() {
    const db = handle().db;
    const rollouts = await db
      .selectFrom("rollouts")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const members = await db
      .selectFrom("rollout_stores")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    return { ...(await rowCounts(db)), rollouts: Number(rollouts.n), members: Number(members.n) };
  }

  async function chartVersions() {
    const rows = await handle()
      .db.selectFrom("stores")
      .select(["name", "chart_version", "generation"])
      .orderBy("name")
      .execute();
    return rows;
  }

  it("an admin starts a rollout: stores fixed into the default waves, nothing assigned yet, audited", async () => {
    const { admin } = await fleet(7);
    const before = await chartVersions();
    const rollout = await admin.caller.rollouts.start({
      engine: "woocommerce",
      chartVersion: "0.3.0",
    });
    expect(rollout).toMatchObject({
      engine: "woocommerce",
      targetChartVersion: "0.3.0",
      state: "running",
      waves: [{ stores: 1 }, { percent: 10 }, { percent: 50 }, { percent: 100 }],
      waveDeadlineSeconds: 600,
      pauseSeconds: 300,
      maxUnavailable: 10,
      createdBy: `user:${admin.user.email}`,
      haltReason: null,
    });
    expect(rollout.waveSummary.map((w) => [w.wave, w.stores, w.pending])).toEqual([
      [1, 1, 1],
      [2, 3, 3],
      [3, 3, 3],
    ]);
    expect(rollout.stores).toHaveLength(7);
    expect(
      rollout.stores.every((s) => s.fromChartVersion === "0.2.0" && s.name?.startsWith("fleet-")),
    ).toBe(true);
    expect(await chartVersions()).toEqual(before);
    expect(await admin.caller.rollouts.status({ id: rollout.id })).toEqual(rollout);

    const entries = await handle()
      .db.selectFrom("audit_log")
      .select(["action", "actor_user_id", "target_id", "details"])
      .where("target_type", "=", "rollout")
      .execute();
    expect(entries).toEqual([
      {
        action: "rollout.start",
        actor_user_id: admin.user.id,
        target_id: rollout.id,
        details: { engine: "woocommerce", chartVersion: "0.3.0", stores: 7, waves: [1, 3, 3] },
      },
    ]);
  });

  it("members may do none of it, and their attempts write nothing", async () => {
    const { admin, member } = await fleet(2);
    const rollout = await admin.caller.rollouts.start({
      engine: "woocommerce",
      chartVersion: "0.3.0",
    });
    const before = await counts();
    await expectTrpcError(
      member.caller.rollouts.start({ engine: "woocommerce", chartVersion: "0.4.0" }),
      "FORBIDDEN",
      "admin: only admins may do this",
    );
    await expectTrpcError(member.caller.rollouts.status({ id: rollout.id }), "FORBIDDEN");
    for (const action of ["pause", "resume", "abort"] as const) {
      await expectTrpcError(member.caller.rollouts[action]({ id: rollout.id }), "FORBIDDEN");
    }
    expect(await counts()).toEqual(before);
    expect((await admin.caller.rollouts.status({ id: rollout.id })).state).toBe("running");
  });

  it("refuses bad input naming the field and the rule, and a second active rollout of the engine", async () => {
    const { admin } = await fleet(3);
    const before = await counts();
    const badWaves = await expectTrpcError(
      admin.caller.rollouts.start({
        engine: "woocommerce",
        chartVersion: "0.3.0",
        waves: [{ stores: 1 }, { percent: 50 }, { percent: 40 }],
      }),
      "BAD_REQUEST",
    );
    expect(getFieldErrors(badWaves)).toEqual({
      "waves.2.percent": ["must be greater than the previous percentage (50)"],
    });
    const notToAll = await expectTrpcError(
      admin.caller.rollouts.start({
        engine: "woocommerce",
        chartVersion: "0.3.0",
        waves: [{ percent: 50 }],
      }),
      "BAD_REQUEST",
    );
    expect(getFieldErrors(notToAll)).toEqual({
      waves: ["the last wave must be { percent: 100 } so that every store is upgraded"],
    });
    const badVersion = await expectTrpcError(
      admin.caller.rollouts.start({ engine: "woocommerce", chartVersion: "latest" }),
      "BAD_REQUEST",
    );
    expect(getFieldErrors(badVersion)).toEqual({
      chartVersion: ["must be a chart version like 0.3.0"],
    });
    const badUnavailable = await expectTrpcError(
      admin.caller.rollouts.start({
        engine: "woocommerce",
        chartVersion: "0.3.0",
        maxUnavailable: 0,
      }),
      "BAD_REQUEST",
    );
    expect(getFieldErrors(badUnavailable)).toEqual({
      maxUnavailable: ["must be between 1 and 1000"],
    });
    await expectTrpcError(
      admin.caller.rollouts.start({ engine: "medusa", chartVersion: "0.3.0" }),
      "CONFLICT",
      /^rollout: no live medusa store runs a chart version other than 0\.3\.0$/,
    );
    expect(await counts()).toEqual(before);

    const first = await admin.caller.rollouts.start({
      engine: "woocommerce",
      chartVersion: "0.3.0",
    });
    await expectTrpcError(
      admin.caller.rollouts.start({ engine: "woocommerce", chartVersion: "0.4.0" }),
      "CONFLICT",
      new RegExp(`^rollout: a woocommerce rollout is already running \\(${first.id}\\)$`),
    );
  });

  it("pause, resume and abort: checked transitions, each audited; abort leaves every store's version", async () => {
    const { admin } = await fleet(3);
    const rollout = await admin.caller.rollouts.start({
      engine: "woocommerce",
      chartVersion: "0.3.0",
    });
    const before = await chartVersions();

    expect((await admin.caller.rollouts.pause({ id: rollout.id })).state).toBe("paused");
    await expectTrpcError(
      admin.caller.rollouts.pause({ id: rollout.id }),
      "PRECONDITION_FAILED",
      "pause: cannot pause a rollout that is paused",
    );
    expect((await admin.caller.rollouts.resume({ id: rollout.id })).state).toBe("running");
    const aborted = await admin.caller.rollouts.abort({ id: rollout.id });
    expect(aborted.state).toBe("aborted");
    expect(aborted.finishedAt).toBeInstanceOf(Date);
    await expectTrpcError(
      admin.caller.rollouts.resume({ id: rollout.id }),
      "PRECONDITION_FAILED",
      "resume: cannot resume a rollout that is aborted",
    );
    await expectTrpcError(
      admin.caller.rollouts.abort({ id: "6f1c2e9a-3b4d-4e5f-8a7b-9c0d1e2f3a4b" }),
      "NOT_FOUND",
      "rollout not found: 6f1c2e9a-3b4d-4e5f-8a7b-9c0d1e2f3a4b",
    );
    expect(await chartVersions()).toEqual(before);

    const actions = await handle()
      .db.selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", rollout.id)
      .orderBy("id")
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      "rollout.start",
      "rollout.pause",
      "rollout.resume",
      "rollout.abort",
    ]);
  });
});
