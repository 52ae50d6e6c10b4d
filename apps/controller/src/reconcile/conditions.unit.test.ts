// Level: unit. Kubernetes condition semantics.
import { describe, expect, it } from "vitest";
import { mergeConditions, summarize } from "./conditions.ts";

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

describe("summarize", () => {
  it("is True only when every step is True", () => {
    expect(
      summarize([{ type: "NamespaceReady", status: "True", reason: "a", message: "" }]).status,
    ).toBe("True");
    expect(
      summarize([
        { type: "NamespaceReady", status: "True", reason: "a", message: "" },
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
});
