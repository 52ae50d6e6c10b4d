// Level: unit. Table-driven: state in, action out.
import { describe, expect, it } from "vitest";
import type { StoreState } from "./observe.ts";
import { type ActionName, plan } from "./plan.ts";

const cases: [StoreState, ActionName | null][] = [
  [{ kind: "NamespaceMissing", reason: "" }, "create-namespace"],
  [{ kind: "NamespaceDrifted", reason: "" }, "create-namespace"],
  [{ kind: "NamespaceTerminating", reason: "" }, null],
  [{ kind: "GuardrailsDrifted", reason: "" }, "apply-guardrails"],
  [{ kind: "SecretsMissing", reason: "" }, "create-secrets"],
  [{ kind: "SecretLost", reason: "" }, "fail"],
  [{ kind: "PullSecretMissing", reason: "" }, "copy-pull-secret"],
  [{ kind: "ReleaseAbsent", reason: "" }, "install-release"],
  [{ kind: "ReleaseFailed", reason: "" }, "install-release"],
  [{ kind: "ReleaseOutOfDate", reason: "" }, "install-release"],
  [{ kind: "ReleaseLocked", reason: "" }, "unlock-release"],
  [{ kind: "RollbackRequested", reason: "" }, "rollback-release"],
  [{ kind: "ReleaseInProgress", reason: "" }, null],
  [{ kind: "WorkloadsProgressing", reason: "", problems: [] }, null],
  [{ kind: "Ready", reason: "", alreadyMarked: false }, "mark-ready"],
  [{ kind: "Ready", reason: "", alreadyMarked: true }, null],
  [{ kind: "DeadlineExceeded", reason: "" }, "fail"],
  [{ kind: "Failed", reason: "" }, null],
  [{ kind: "Suspended", reason: "" }, null],
  [{ kind: "DeletingRelease", reason: "" }, "uninstall-release"],
  [{ kind: "DeletingNamespace", reason: "" }, "delete-namespace"],
  [{ kind: "WaitingNamespaceGone", reason: "", overdue: false, holders: [] }, null],
  [{ kind: "WaitingNamespaceGone", reason: "", overdue: true, holders: ["pvc"] }, null],
  [{ kind: "Gone", reason: "" }, "mark-deleted"],
];

describe("plan", () => {
  it.each(cases)("%o → %s", (state, action) => {
    expect(plan(state)).toBe(action);
  });
});
