// Level: unit. Error classification and backoff.
import {
  ClassifiedError,
  type ErrorClass,
  HelmError,
  KubeError,
  ReleaseLocked,
} from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { ActionError, backoffDelay, classifyError, jittered, TerminalError } from "./errors.ts";

describe("classifyError", () => {
  // The class was given where the error was made; classifyError only reads it.
  it.each<[string, unknown, ErrorClass, string]>([
    ["kube unavailable", new KubeError("Unavailable", "x"), "transient", "KubeUnavailable"],
    ["kube conflict", new KubeError("Conflict", "x"), "conflict", "KubeConflict"],
    [
      "kube forbidden (RBAC needs an operator)",
      new KubeError("Forbidden", "x"),
      "terminal",
      "KubeForbidden",
    ],
    [
      "kube forbidden while the namespace terminates",
      new KubeError("Forbidden", "x", { errorClass: "transient" }),
      "transient",
      "KubeForbidden",
    ],
    ["kube invalid", new KubeError("Invalid", "x"), "terminal", "KubeInvalid"],
    [
      "helm locked (next pass unlocks)",
      new ReleaseLocked("ReleaseLocked", "x"),
      "locked",
      "ReleaseLocked",
    ],
    ["helm timeout", new HelmError("HelmTimeout", "x"), "transient", "HelmTimeout"],
    [
      "helm failed (same answer next time)",
      new HelmError("HelmFailed", "x"),
      "terminal",
      "HelmFailed",
    ],
    ["chart invalid", new HelmError("ChartInvalid", "bad"), "terminal", "ChartInvalid"],
    ["our terminal error", new TerminalError("ChartMissing", "x"), "terminal", "ChartMissing"],
    [
      "wrapped",
      new ActionError("install-release", new HelmError("ChartInvalid", "bad")),
      "terminal",
      "ChartInvalid",
    ],
    ["anything else", new Error("boom"), "transient", "UnexpectedError"],
  ])("%s", (_t, error, errorClass, reason) => {
    expect(classifyError(error)).toMatchObject({ errorClass, reason });
  });

  it("obeys the class, not the name: a look-alike without the class is unclassified", () => {
    const lookAlike = Object.assign(new Error("x"), { name: "KubeError", code: "Invalid" });
    expect(classifyError(lookAlike)).toMatchObject({
      errorClass: "transient",
      reason: "UnexpectedError",
    });
    class Custom extends ClassifiedError {
      readonly errorClass = "terminal";
      readonly conditionReason = "SomethingElse";
    }
    expect(classifyError(new Custom("x"))).toMatchObject({
      errorClass: "terminal",
      reason: "SomethingElse",
    });
  });

  it("a cancelled pass (shutdown, claim lost) is Aborted and transient, whatever helm then said", () => {
    const helmCancelled = new HelmError("HelmFailed", "context canceled");
    expect(classifyError(helmCancelled, true)).toMatchObject({
      errorClass: "transient",
      reason: "Aborted",
    });
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
