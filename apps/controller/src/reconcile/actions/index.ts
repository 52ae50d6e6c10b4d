import type { ActionName } from "../plan.ts";
import { applyGuardrails } from "./apply-guardrails.ts";
import { copyPullSecret } from "./copy-pull-secret.ts";
import { createNamespace } from "./create-namespace.ts";
import { createSecrets } from "./create-secrets.ts";
import { deleteNamespace } from "./delete-namespace.ts";
import { fail } from "./fail.ts";
import { installRelease } from "./install-release.ts";
import { markDeleted } from "./mark-deleted.ts";
import { markReady } from "./mark-ready.ts";
import type { Action } from "./types.ts";
import { uninstallRelease } from "./uninstall-release.ts";
import { unlockRelease } from "./unlock-release.ts";

export const ACTIONS: Record<ActionName, Action> = {
  "create-namespace": createNamespace,
  "apply-guardrails": applyGuardrails,
  "create-secrets": createSecrets,
  "copy-pull-secret": copyPullSecret,
  "install-release": installRelease,
  "unlock-release": unlockRelease,
  "mark-ready": markReady,
  fail,
  "uninstall-release": uninstallRelease,
  "delete-namespace": deleteNamespace,
  "mark-deleted": markDeleted,
};
