import type { Condition } from "@storeplane/db";
import { describe, expect, it } from "vitest";
import { deletedConditions } from "./mark-deleted.ts";

const before: Condition[] = [
  {
    type: "SecretsReady",
    status: "True",
    reason: "SecretExists",
    message: "Secret store-credentials exists",
    observedGeneration: 1,
    lastTransitionTime: "2026-01-01T00:00:00.000Z",
  },
  {
    type: "WorkloadsReady",
    status: "True",
    reason: "WorkloadsAvailable",
    message: "all workloads available",
    observedGeneration: 1,
    lastTransitionTime: "2026-01-01T00:00:00.000Z",
  },
];

describe("mark-deleted conditions", () => {
  it("turns every step False with reason StoreDeleted, naming what went (the Secret included)", () => {
    const now = new Date("2026-02-02T00:00:00.000Z");
    const conditions = deletedConditions(
      before,
      { namespace: "store-acme", secretName: "store-credentials" },
      3,
      now,
    );
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["NamespaceReady", "False", "StoreDeleted"],
      ["GuardrailsReady", "False", "StoreDeleted"],
      ["SecretsReady", "False", "StoreDeleted"],
      ["ReleaseReady", "False", "StoreDeleted"],
      ["WorkloadsReady", "False", "StoreDeleted"],
      ["Ready", "False", "StoreDeleted"],
    ]);
    const secrets = conditions.find((c) => c.type === "SecretsReady");
    expect(secrets?.message).toBe("Secret store-credentials deleted with namespace store-acme");
    expect(secrets?.lastTransitionTime).toBe(now.toISOString());
    expect(conditions.every((c) => c.observedGeneration === 3)).toBe(true);
    expect(JSON.stringify(conditions)).not.toMatch(/exists|available/);
  });
});
