// Level: unit. Kubernetes condition semantics.
import { describe, expect, it } from "vitest";
import { mergeConditions, severityOf, summarize } from "./conditions.ts";

const t0 = new Date("2026-01-01T00:00:00Z");
const t1 = new Date("2026-01-01T00:01:00Z");

describe("mergeConditions", () => {
  it("moves lastTransitionTime only when the status changes, and reports transitions", () => {
    const first = mergeConditions(
      [],
      [{ type: "SecretsReady", status: "False", reason: "SecretMissing", message: "m" }],
      1,
      t0,
    );
    expect(first.transitions).toHaveLength(1);
    const same = mergeConditions(
      first.conditions,
      [{ type: "SecretsReady", status: "False", reason: "Other", message: "m2" }],
      2,
      t1,
    );
    expect(same.transitions).toEqual([]);
    expect(same.conditions[0]).toMatchObject({
      reason: "Other",
      observedGeneration: 2,
      lastTransitionTime: t0.toISOString(),
    });
    const flipped = mergeConditions(
      same.conditions,
      [{ type: "SecretsReady", status: "True", reason: "SecretPresent", message: "ok" }],
      2,
      t1,
    );
    expect(flipped.transitions).toEqual([
      { type: "SecretsReady", from: "False", to: "True", reason: "SecretPresent", message: "ok" },
    ]);
    expect(flipped.conditions[0]?.lastTransitionTime).toBe(t1.toISOString());
  });

  it("keeps the dashboard order whatever the input order", () => {
    const { conditions } = mergeConditions(
      [],
      [
        { type: "Ready", status: "False", reason: "r", message: "" },
        { type: "NamespaceReady", status: "True", reason: "r", message: "" },
      ],
      1,
      t0,
    );
    expect(conditions.map((c) => c.type)).toEqual(["NamespaceReady", "Ready"]);
  });
});

const allTrue = (
  ["NamespaceReady", "GuardrailsReady", "SecretsReady", "ReleaseReady", "WorkloadsReady"] as const
).map((type) => ({ type, status: "True" as const, reason: "ok", message: "" }));

describe("summarize", () => {
  it("is True only when every step is True; a step not seen yet blocks", () => {
    expect(summarize(allTrue).status).toBe("True");
    expect(summarize(allTrue.slice(0, 1))).toMatchObject({
      status: "False",
      reason: "NotObserved",
      message: "GuardrailsReady: not observed yet",
    });
    expect(
      summarize([
        ...allTrue.slice(0, 4),
        {
          type: "WorkloadsReady",
          status: "False",
          reason: "ImagePullFailed",
          message: "bad image",
        },
      ]),
    ).toMatchObject({
      status: "False",
      reason: "ImagePullFailed",
      message: "WorkloadsReady: bad image",
    });
  });

  it("a stall overrides the steps", () => {
    expect(summarize(allTrue, { reason: "ChartInvalid", message: "bad chart" })).toMatchObject({
      status: "False",
      reason: "ChartInvalid",
      message: "bad chart",
    });
  });
});

describe("mergeConditions with abnormal-true conditions", () => {
  it("keeps Reconciling and Stalled only while True, in the domain order", () => {
    const on = mergeConditions(
      [],
      [
        { type: "Stalled", status: "True", reason: "ChartInvalid", message: "m" },
        { type: "Ready", status: "False", reason: "ChartInvalid", message: "m" },
        { type: "Reconciling", status: "True", reason: "Installing", message: "m" },
        { type: "NamespaceReady", status: "True", reason: "r", message: "" },
      ],
      1,
      t0,
    );
    expect(on.conditions.map((c) => c.type)).toEqual([
      "NamespaceReady",
      "Ready",
      "Reconciling",
      "Stalled",
    ]);
    const off = mergeConditions(
      on.conditions,
      [
        { type: "Reconciling", status: "False", reason: "", message: "" },
        { type: "Stalled", status: "False", reason: "", message: "" },
      ],
      2,
      t1,
    );
    expect(off.conditions.map((c) => c.type)).toEqual(["NamespaceReady", "Ready"]);
    expect(off.transitions).toEqual([]);
    expect(on.conditions.every((c) => !("problem" in c))).toBe(true);
  });
});

describe("mergeConditions reporting problems", () => {
  it("a problem appearing under an unchanged status is reported, its time unchanged", () => {
    const first = mergeConditions(
      [],
      [{ type: "WorkloadsReady", status: "False", reason: "NoWorkloads", message: "none yet" }],
      1,
      t0,
    );
    const problem = mergeConditions(
      first.conditions,
      [
        {
          type: "WorkloadsReady",
          status: "False",
          reason: "ImagePullFailed",
          message: "x",
          problem: true,
        },
      ],
      1,
      t1,
    );
    expect(problem.transitions).toEqual([
      {
        type: "WorkloadsReady",
        from: "False",
        to: "False",
        reason: "ImagePullFailed",
        message: "x",
        problem: true,
      },
    ]);
    expect(problem.conditions[0]?.lastTransitionTime).toBe(t0.toISOString());
    const same = mergeConditions(
      problem.conditions,
      [
        {
          type: "WorkloadsReady",
          status: "False",
          reason: "ImagePullFailed",
          message: "x",
          problem: true,
        },
      ],
      1,
      t1,
    );
    expect(same.transitions).toEqual([]);
  });
});

// Severity is derived from the condition; each row would read wrong if the rule broke.
describe("severityOf", () => {
  it.each<[string, Parameters<typeof severityOf>[0], "Normal" | "Warning"]>([
    [
      "a new store's step starts False",
      { type: "SecretsReady", from: null, to: "False" },
      "Normal",
    ],
    ["a step not known yet", { type: "WorkloadsReady", from: null, to: "Unknown" }, "Normal"],
    ["a step done", { type: "ReleaseReady", from: "False", to: "True" }, "Normal"],
    ["a done step lost (drift)", { type: "NamespaceReady", from: "True", to: "False" }, "Warning"],
    ["Ready lost", { type: "Ready", from: "True", to: "False" }, "Warning"],
    ["Ready reached", { type: "Ready", from: "False", to: "True" }, "Normal"],
    [
      "a step reporting a problem",
      { type: "WorkloadsReady", from: "Unknown", to: "False", problem: true },
      "Warning",
    ],
    ["stalled", { type: "Stalled", from: null, to: "True" }, "Warning"],
    ["reconciling", { type: "Reconciling", from: null, to: "True" }, "Normal"],
  ])("%s → %s", (_t, transition, severity) => {
    expect(severityOf(transition)).toBe(severity);
  });
});
