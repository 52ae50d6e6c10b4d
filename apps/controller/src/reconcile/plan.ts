// plan: state → the single next action, or nothing (wait and look again).
import type { StoreState } from "./observe.ts";

export type ActionName =
  | "create-namespace"
  | "apply-guardrails"
  | "create-secrets"
  | "copy-pull-secret"
  | "install-release"
  | "unlock-release"
  | "rollback-release"
  | "mark-ready"
  | "fail"
  | "uninstall-release"
  | "delete-namespace"
  | "mark-deleted";

export function plan(state: StoreState): ActionName | null {
  switch (state.kind) {
    case "NamespaceMissing":
    case "NamespaceDrifted":
      return "create-namespace";
    case "GuardrailsDrifted":
      return "apply-guardrails";
    case "SecretsMissing":
      return "create-secrets";
    case "PullSecretMissing":
      return "copy-pull-secret";
    case "ReleaseAbsent":
    case "ReleaseFailed":
    case "ReleaseOutOfDate":
    case "WorkloadsMissing":
      return "install-release";
    case "ReleaseLocked":
      return "unlock-release";
    case "RollbackRequested":
      return "rollback-release";
    case "Ready":
      return state.alreadyMarked ? null : "mark-ready";
    case "DeadlineExceeded":
    case "SecretLost":
      return "fail";
    case "DeletingRelease":
      return "uninstall-release";
    case "DeletingNamespace":
      return "delete-namespace";
    case "Gone":
      return "mark-deleted";
    case "NamespaceTerminating":
    case "ReleaseInProgress":
    case "WorkloadsProgressing":
    case "WaitingNamespaceGone":
    case "Failed":
    case "Suspended":
    // The restore runner has the store: no helm, no mark-ready, until it is done.
    case "Restoring":
      return null;
  }
}
