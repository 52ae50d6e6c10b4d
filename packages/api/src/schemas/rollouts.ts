// Inputs of the rollout procedures (admins only; API, storectl and the dashboard).
import { ENGINES, waveStepsProblem } from "@storeplane/db/domain";
import { z } from "zod";
import { inputObject, requiredString } from "./common.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const rolloutIdInput = inputObject({
  id: requiredString().regex(UUID, "must be a rollout id"),
});
export type RolloutIdInput = z.infer<typeof rolloutIdInput>;

function wholeNumber(min: number, max: number) {
  return z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);
}

const waveStep = z.union(
  [
    z.strictObject({ stores: wholeNumber(1, 100_000) }),
    z.strictObject({ percent: wholeNumber(1, 100) }),
  ],
  { error: 'must be { "stores": n } or { "percent": p }' },
);

export const startRolloutInput = inputObject({
  engine: z.enum(ENGINES, { error: () => `must be one of ${ENGINES.join(", ")}` }),
  /** A version of the engine chart the controller image carries (charts/archive or the default). */
  chartVersion: requiredString().regex(
    /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/,
    "must be a chart version like 0.3.0",
  ),
  /** Default: one canary store, then 10 %, 50 %, 100 % (ADR 008). */
  waves: z
    .array(waveStep, { error: "must be a list of waves" })
    .superRefine((steps, ctx) => {
      const problem = waveStepsProblem(steps);
      if (!problem) return;
      // The domain rule names its field ("waves[1].percent must …"); the
      // formatter names it again from the issue's path, so split it off.
      const [, index, key, rule] = /^waves(?:\[(\d+)\]\.(\w+))?:? (.*)$/.exec(problem) ?? [];
      ctx.addIssue({
        code: "custom",
        message: rule ?? problem,
        path: index === undefined || key === undefined ? [] : [Number(index), key],
      });
    })
    .optional(),
  /** Seconds an upgraded store has to be Ready on the new version. */
  waveDeadlineSeconds: wholeNumber(30, 86_400).default(600),
  /** Seconds between one wave passing and the next starting. */
  pauseSeconds: wholeNumber(0, 86_400).default(300),
  /** Most stores upgrading at once. */
  maxUnavailable: wholeNumber(1, 1_000).default(10),
});
export type StartRolloutInput = z.input<typeof startRolloutInput>;
