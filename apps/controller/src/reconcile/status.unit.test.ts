// Level: unit. The status a pass writes: Ready, Reconciling, Stalled, and the phase derived from them.
import { describe, expect, it } from "vitest";
import { storeRow } from "../../test/fixtures.ts";
import type { ConditionDraft } from "./conditions.ts";
import { carriedStall, derivePhase, statusConditions } from "./status.ts";

const steps: ConditionDraft[] = [
  { type: "NamespaceReady", status: "True", reason: "NamespaceReady", message: "" },
  { type: "GuardrailsReady", status: "True", reason: "GuardrailsApplied", message: "" },
  { type: "SecretsReady", status: "True", reason: "SecretPresent", message: "" },
  { type: "ReleaseReady", status: "False", reason: "ReleaseAbsent", message: "not installed" },
  { type: "WorkloadsReady", status: "Unknown", reason: "ReleaseNotReady", message: "" },
];
const live = { deleting: false, stalled: null, reconciling: null };
const pick = (drafts: ConditionDraft[], type: string) => drafts.find((d) => d.type === type);

describe("statusConditions", () => {
  it("while work is under way: Reconciling=True with the step, Ready=False, no Stalled", () => {
    const out = statusConditions(steps, {
      ...live,
      reconciling: { reason: "Installing", message: "installing release, revision 2" },
    });
    expect(pick(out, "Reconciling")).toMatchObject({
      status: "True",
      reason: "Installing",
      message: "installing release, revision 2",
    });
    expect(pick(out, "Ready")).toMatchObject({ status: "False", reason: "ReleaseAbsent" });
    expect(pick(out, "Stalled")?.status).toBe("False");
    expect(derivePhase({ deletion_requested_at: null }, out)).toBe("Provisioning");
  });

  it("stalled: Stalled=True with the reason, Ready=False with it, no Reconciling, phase Failed", () => {
    const out = statusConditions(steps, {
      ...live,
      stalled: { reason: "ChartInvalid", message: "bad chart" },
      reconciling: { reason: "Installing", message: "x" },
    });
    expect(pick(out, "Stalled")).toMatchObject({
      status: "True",
      reason: "ChartInvalid",
      message: "bad chart",
    });
    expect(pick(out, "Ready")).toMatchObject({ status: "False", reason: "ChartInvalid" });
    expect(
      derivePhase(
        { deletion_requested_at: null },
        out.filter((d) => d.status === "True"),
      ),
    ).toBe("Failed");
  });

  it("every step True: Ready=True, Reconciling dropped, phase Ready", () => {
    const done = steps.map((s) => ({ ...s, status: "True" as const }));
    const out = statusConditions(done, {
      ...live,
      reconciling: { reason: "Progressing", message: "x" },
    });
    expect(pick(out, "Ready")?.status).toBe("True");
    expect(pick(out, "Reconciling")?.status).toBe("False");
    expect(derivePhase({ deletion_requested_at: null }, out)).toBe("Ready");
  });

  it("suspended and settled: Suspended=True, Ready=False Suspended, no Reconciling, phase Suspended", () => {
    const done = steps.map((s) => ({ ...s, status: "True" as const }));
    const out = statusConditions(done, {
      ...live,
      suspended: true,
      reconciling: { reason: "Progressing", message: "x" },
    });
    expect(pick(out, "Suspended")).toMatchObject({ status: "True", reason: "Suspended" });
    expect(pick(out, "Ready")).toMatchObject({ status: "False", reason: "Suspended" });
    expect(pick(out, "Reconciling")?.status).toBe("False");
    expect(derivePhase({ deletion_requested_at: null }, out)).toBe("Suspended");
  });

  it("restoring: Ready=False Restoring with the backup, Reconciling=True, phase Restoring; a deletion wins", () => {
    const done = steps.map((s) => ({ ...s, status: "True" as const }));
    const restoring = { reason: "Restoring", message: "Restoring from backup b-1: x" };
    const out = statusConditions(done, { ...live, restoring });
    expect(pick(out, "Ready")).toMatchObject({
      status: "False",
      reason: "Restoring",
      message: "Restoring from backup b-1: x",
    });
    expect(pick(out, "Reconciling")).toMatchObject({ status: "True", reason: "Restoring" });
    expect(derivePhase({ deletion_requested_at: null }, out)).toBe("Restoring");
    const deleting = statusConditions(done, { ...live, deleting: true, restoring });
    expect(derivePhase({ deletion_requested_at: new Date() }, deleting)).toBe("Deleting");
    expect(pick(deleting, "Ready")).toMatchObject({ reason: "Deleting" });
  });

  it("a stall or a deletion wins over suspended", () => {
    const done = steps.map((s) => ({ ...s, status: "True" as const }));
    const stalled = statusConditions(done, {
      ...live,
      suspended: true,
      stalled: { reason: "ChartInvalid", message: "bad chart" },
    });
    expect(pick(stalled, "Suspended")?.status).toBe("False");
    expect(derivePhase({ deletion_requested_at: null }, stalled)).toBe("Failed");
    const deleting = statusConditions(done, { ...live, suspended: true, deleting: true });
    expect(pick(deleting, "Suspended")?.status).toBe("False");
    expect(derivePhase({ deletion_requested_at: new Date() }, deleting)).toBe("Deleting");
  });

  it("deleting: Ready=False Deleting, phase Deleting", () => {
    const out = statusConditions(steps, { ...live, deleting: true });
    expect(pick(out, "Ready")).toMatchObject({ status: "False", reason: "Deleting" });
    expect(derivePhase({ deletion_requested_at: new Date() }, out)).toBe("Deleting");
  });
});

describe("carriedStall", () => {
  const stalledCondition = {
    type: "Stalled",
    status: "True" as const,
    reason: "ChartInvalid",
    message: "bad chart",
    observedGeneration: 2,
    lastTransitionTime: "2026-01-01T00:00:00.000Z",
  };
  it("holds for the generation it happened in, and ends with a new one (a retry)", () => {
    const failed = storeRow({
      phase: "Failed",
      generation: 2,
      observed_generation: 2,
      conditions: [stalledCondition],
    });
    expect(carriedStall(failed)).toEqual({ reason: "ChartInvalid", message: "bad chart" });
    expect(carriedStall({ ...failed, generation: 3 })).toBeNull();
    expect(carriedStall({ ...failed, deletion_requested_at: new Date() })).toBeNull();
  });
});
