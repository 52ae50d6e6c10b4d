import { PLANS } from "@storeplane/db";
import { describe, expect, it } from "vitest";
import { PLAN_LIMITS, planLimits } from "./plans.ts";

describe("plans", () => {
  it("has limits for exactly the plans the API accepts", () => {
    expect(Object.keys(PLAN_LIMITS).sort()).toEqual([...PLANS].sort());
  });

  it("grows with the plan", () => {
    const memoryGi = PLANS.map((plan) => Number.parseInt(planLimits(plan).memory, 10));
    expect(memoryGi).toEqual([...memoryGi].sort((a, b) => a - b));
  });

  it("names an unknown plan in its error", () => {
    expect(() => planLimits("huge")).toThrow('unknown plan "huge"');
  });
});
