// Level: unit. CLUSTER has one vocabulary, parsed in one place.
import { describe, expect, it } from "vitest";
import { CLUSTER_MODES, clusterModeSchema, parseClusterMode } from "./cluster-mode.ts";

describe("CLUSTER", () => {
  it("is kube unless set, and simulated only by name", () => {
    expect(CLUSTER_MODES).toEqual(["kube", "simulated"]);
    expect(parseClusterMode(undefined)).toBe("kube");
    expect(parseClusterMode("")).toBe("kube");
    expect(parseClusterMode("simulated")).toBe("simulated");
  });

  it("refuses other words, naming CLUSTER and the allowed values", () => {
    for (const word of ["none", "Simulated", "fake"]) {
      expect(() => parseClusterMode(word)).toThrow(
        `CLUSTER must be one of kube, simulated (got "${word}")`,
      );
    }
    const parsed = clusterModeSchema.safeParse("none");
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      'CLUSTER must be one of kube, simulated (got "none")',
    );
  });
});
