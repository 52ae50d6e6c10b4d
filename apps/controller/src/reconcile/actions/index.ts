import type { ActionName } from "../plan.ts";
import { applyGuardrails } from "./apply-guardrails.ts";
import { copyPullSecret } from "./copy-pull-secret.ts";
import { createNamespace } from "./create-namespace.ts";
import { createSecrets } from "./create-secrets.ts";
import { deleteNamespace } from "./delete-namespace.ts";
import { fail } from "./fail.ts";
import { announceInstall, installRelease } from "./install-release.ts";
import { markDeleted } from "./mark-deleted.ts";
import { markReady } from "./mark-ready.ts";
import { announceRollback, rollbackRelease } from "./rollback-release.ts";
import type { Action, Announce } from "./types.ts";
import { announceUninstall, uninstallRelease } from "./uninstall-release.ts";
import { announceUnlock, unlockRelease } from "./unlock-release.ts";

export const ACTIONS: Record<ActionName, Action> = {
  "create-namespace": createNamespace,
  "apply-guardrails": applyGuardrails,
  "create-secrets": createSecrets,
  "copy-pull-secret": copyPullSecret,
  "install-release": installRelease,
  "unlock-release": unlockRelease,
  "rollback-release": rollbackRelease,
  "mark-ready": markReady,
  fail,
  "uninstall-release": uninstallRelease,
  "delete-namespace": deleteNamespace,
  "mark-deleted": markDeleted,
};

/** The long actions (helm commands): their step is written as Reconciling before they start. */
export const ANNOUNCE: Partial<Record<ActionName, Announce>> = {
  "install-release": announceInstall,
  "unlock-release": announceUnlock,
  "rollback-release": announceRollback,
  "uninstall-release": announceUninstall,
};
