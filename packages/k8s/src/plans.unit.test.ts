// Level: unit. The plan text people read is rendered from the limits the quota grants.
import { describe, expect, it } from "vitest";
import { describePlan, PLAN_LIMITS } from "./plans.ts";

describe("describePlan", () => {
  it("says what PLAN_LIMITS grant, for every plan", () => {
    expect(describePlan("small")).toBe("up to 2 CPU · 3 GiB memory · 10 GiB storage");
    for (const plan of Object.keys(PLAN_LIMITS) as (keyof typeof PLAN_LIMITS)[]) {
      const limits = PLAN_LIMITS[plan];
      expect(describePlan(plan)).toContain(`${limits.memory.replace("Gi", " GiB")} memory`);
    }
  });
});
