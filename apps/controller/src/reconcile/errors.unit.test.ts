// Level: unit. Error classification and backoff.
import { HelmError, KubeError, ReleaseLocked } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { ActionError, backoffDelay, classifyError, jittered, TerminalError } from "./errors.ts";

describe("classifyError", () => {
  it.each<[string, unknown, boolean, string]>([
    ["kube unavailable", new KubeError("Unavailable", "x"), true, "KubeUnavailable"],
    ["kube conflict", new KubeError("Conflict", "x"), true, "KubeConflict"],
    ["kube forbidden (RBAC can be fixed)", new KubeError("Forbidden", "x"), true, "KubeForbidden"],
    ["kube invalid", new KubeError("Invalid", "x"), false, "KubeInvalid"],
    [
      "helm locked (next pass unlocks)",
      new ReleaseLocked("ReleaseLocked", "x"),
      true,
      "HelmReleaseLocked",
    ],
    ["helm timeout", new HelmError("HelmTimeout", "x"), true, "HelmHelmTimeout"],
    ["chart invalid", new HelmError("ChartInvalid", "x"), false, "HelmChartInvalid"],
    ["our terminal error", new TerminalError("ChartMissing", "x"), false, "ChartMissing"],
    [
      "wrapped",
      new ActionError("install-release", new HelmError("ChartInvalid", "bad")),
      false,
      "HelmChartInvalid",
    ],
    ["anything else", new Error("boom"), true, "UnexpectedError"],
  ])("%s", (_t, error, transient, reason) => {
    expect(classifyError(error)).toMatchObject({ transient, reason });
  });

  it("keeps the action and the cause in the message", () => {
    expect(
      classifyError(
        new ActionError("apply-guardrails", new KubeError("Unavailable", "apply: down")),
      ).message,
    ).toBe("apply-guardrails: apply: down");
  });
});

describe("backoffDelay", () => {
  const policy = { baseMs: 1_000, capMs: 60_000 };
  it("doubles per failure within [½, 1] of the step, capped", () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(4, policy, () => 1)).toBe(8_000);
    expect(backoffDelay(30, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(30, policy, () => 0)).toBe(30_000);
  });
  it("jitters drift checks by ±20%", () => {
    expect(jittered(100_000, () => 0)).toBe(80_000);
    expect(jittered(100_000, () => 1)).toBe(120_000);
  });
});
