// Rollouts of an engine chart version across the fleet (issue 16, ADR 008):
// admins only, each action audited. These procedures write desired state only;
// the controller's rollout driver moves the waves (planner:
// apps/controller/src/rollouts/plan-rollout.ts).
import {
  changeRolloutState,
  type Database,
  findRollout,
  listRolloutStores,
  listRollouts,
  type RolloutAction,
  startRollout,
} from "@storeplane/db";
import type { Kysely } from "kysely";
import { audit } from "../audit.ts";
import { ConflictError, InvalidStateError, NotFoundError } from "../errors.ts";
import { summarizeWaves, toRolloutStoreView, toRolloutView } from "../rollouts/views.ts";
import { rolloutIdInput, startRolloutInput } from "../schemas/rollouts.ts";
import { adminProcedure, router } from "../trpc.ts";

async function rolloutStatus(db: Kysely<Database>, id: string) {
  const rollout = await findRollout(db, id);
  if (!rollout) throw new NotFoundError(`rollout not found: ${id}`);
  const members = await listRolloutStores(db, id);
  const rows =
    members.length === 0
      ? []
      : await db
          .selectFrom("stores")
          .select(["id", "name"])
          .where(
            "id",
            "in",
            members.map((m) => m.store_id),
          )
          .execute();
  const names = new Map(rows.map((r) => [r.id, r.name]));
  return {
    ...toRolloutView(rollout),
    haltedStoreName: rollout.halted_store_id ? (names.get(rollout.halted_store_id) ?? null) : null,
    waveSummary: summarizeWaves(members),
    stores: members.map((m) => toRolloutStoreView(m, names)),
  };
}

function stateChange(action: RolloutAction) {
  return adminProcedure.input(rolloutIdInput).mutation(async ({ ctx, input }) => {
    await ctx.db.transaction().execute(async (trx) => {
      const result = await changeRolloutState(trx, input.id, action, new Date());
      if ("refused" in result) {
        if (result.refused === "the rollout does not exist") {
          throw new NotFoundError(`rollout not found: ${input.id}`);
        }
        throw new InvalidStateError(`${action}: ${result.refused}`);
      }
      await audit(trx, ctx, {
        action: `rollout.${action}`,
        targetType: "rollout",
        targetId: input.id,
        details: {
          engine: result.rollout.engine,
          chartVersion: result.rollout.target_chart_version,
        },
      });
    });
    return rolloutStatus(ctx.db, input.id);
  });
}

export const rolloutsRouter = router({
  /**
   * Starts moving every eligible store of the engine (live, not suspended, on
   * another version) to the chart version, in waves. Refused while another
   * rollout of the engine is active.
   */
  start: adminProcedure.input(startRolloutInput).mutation(async ({ ctx, input }) => {
    const id = await ctx.db.transaction().execute(async (trx) => {
      const result = await startRollout(trx, {
        engine: input.engine,
        targetChartVersion: input.chartVersion,
        waves: input.waves,
        waveDeadlineSeconds: input.waveDeadlineSeconds,
        pauseSeconds: input.pauseSeconds,
        maxUnavailable: input.maxUnavailable,
        createdBy: ctx.auth.actor,
      });
      if ("refused" in result) throw new ConflictError(`rollout: ${result.refused}`);
      await audit(trx, ctx, {
        action: "rollout.start",
        targetType: "rollout",
        targetId: result.rollout.id,
        details: {
          engine: input.engine,
          chartVersion: input.chartVersion,
          stores: result.stores.length,
          waves: summarizeWaves(result.stores).map((w) => w.stores),
        },
      });
      return result.rollout.id;
    });
    return rolloutStatus(ctx.db, id);
  }),

  /** Rollouts, newest first (the 50 latest), without their stores. */
  list: adminProcedure.query(async ({ ctx }) => {
    const rollouts = await listRollouts(ctx.db, 50);
    return rollouts.map(toRolloutView);
  }),

  /** The rollout with its waves and stores. */
  status: adminProcedure.input(rolloutIdInput).query(async ({ ctx, input }) => {
    return rolloutStatus(ctx.db, input.id);
  }),

  pause: stateChange("pause"),
  resume: stateChange("resume"),
  abort: stateChange("abort"),
});
