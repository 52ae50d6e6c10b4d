// Level: unit. The pipeline the detail page draws from a store's conditions.
import { describe, expect, it } from "vitest";
import { buildPipeline, type ConditionLike } from "./pipeline.ts";

const at = "2026-11-23T10:00:00.000Z";
const condition = (
  type: string,
  status: ConditionLike["status"],
  reason = "Ok",
): ConditionLike => ({
  type,
  status,
  reason,
  message: `${type} ${status}`,
  lastTransitionTime: at,
});

describe("buildPipeline", () => {
  it("shows a new store waiting at its first step", () => {
    const steps = buildPipeline([], "Pending");
    expect(steps.map((s) => s.state)).toEqual([
      "active",
      "waiting",
      "waiting",
      "waiting",
      "waiting",
      "waiting",
    ]);
  });

  it("marks done steps and the one in progress", () => {
    const steps = buildPipeline(
      [
        condition("NamespaceReady", "True"),
        condition("GuardrailsReady", "True"),
        condition("SecretsReady", "True"),
        condition("ReleaseReady", "False", "Installing"),
      ],
      "Provisioning",
    );
    expect(steps.map((s) => s.state)).toEqual([
      "done",
      "done",
      "done",
      "active",
      "waiting",
      "waiting",
    ]);
    expect(steps[3]).toMatchObject({ reason: "Installing", time: at });
  });

  it("puts a failure on the first step that is not done", () => {
    const steps = buildPipeline(
      [
        condition("NamespaceReady", "True"),
        condition("GuardrailsReady", "True"),
        condition("SecretsReady", "True"),
        condition("ReleaseReady", "True"),
        condition("WorkloadsReady", "False", "ImagePullBackOff"),
      ],
      "Failed",
    );
    expect(steps[4]).toMatchObject({ state: "failed", reason: "ImagePullBackOff" });
    expect(steps[5]?.state).toBe("waiting");
  });

  it("shows every step done for a Ready store", () => {
    const all = [
      "NamespaceReady",
      "GuardrailsReady",
      "SecretsReady",
      "ReleaseReady",
      "WorkloadsReady",
      "Ready",
    ];
    const steps = buildPipeline(
      all.map((type) => condition(type, "True")),
      "Ready",
    );
    expect(steps.every((s) => s.state === "done")).toBe(true);
  });

  it("shows a Suspended store's steps done and Ready waiting with the reason, never failed", () => {
    const steps = buildPipeline(
      [
        ...[
          "NamespaceReady",
          "GuardrailsReady",
          "SecretsReady",
          "ReleaseReady",
          "WorkloadsReady",
        ].map((type) => condition(type, "True")),
        condition("Ready", "False", "Suspended"),
        condition("Suspended", "True", "Suspended"),
      ],
      "Suspended",
    );
    expect(steps.map((s) => s.state)).toEqual(["done", "done", "done", "done", "done", "waiting"]);
    expect(steps.at(-1)?.reason).toBe("Suspended");
  });

  it("shows a deleted store's steps as removed, never as done or failed", () => {
    const steps = buildPipeline(
      [condition("SecretsReady", "True"), condition("WorkloadsReady", "False", "StoreDeleted")],
      "Deleted",
    );
    expect(steps.map((s) => s.state)).toEqual(Array(6).fill("removed"));
  });

  it("shows what the controller is doing on the step it works on (Reconciling)", () => {
    const steps = buildPipeline(
      [
        condition("NamespaceReady", "True"),
        condition("GuardrailsReady", "True"),
        condition("SecretsReady", "True"),
        condition("ReleaseReady", "False", "ReleaseAbsent"),
        condition("WorkloadsReady", "Unknown", "ReleaseNotReady"),
        condition("Ready", "False", "ReleaseAbsent"),
        {
          type: "Reconciling",
          status: "True",
          reason: "Upgrading",
          message: "upgrading release, revision 2",
          lastTransitionTime: at,
        },
      ],
      "Ready",
    );
    expect(steps.map((s) => s.type)).not.toContain("Reconciling");
    expect(steps[3]).toMatchObject({
      state: "active",
      reconciling: true,
      reason: "Upgrading",
      message: "upgrading release, revision 2",
    });
    expect(steps.filter((s) => s.reconciling)).toHaveLength(1);
  });

  it("Stalled marks the open step failed, whatever the phase column says", () => {
    const steps = buildPipeline(
      [
        condition("NamespaceReady", "False", "NotObserved"),
        condition("Stalled", "True", "ChartMissing"),
      ],
      "Provisioning",
    );
    expect(steps[0]).toMatchObject({ state: "failed", reconciling: false });
  });
});
