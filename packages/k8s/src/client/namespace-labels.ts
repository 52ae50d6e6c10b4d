import { LABELS, PLATFORM_NAME } from "../store-contract.ts";

/**
 * Pod Security Admission for store namespaces.
 *
 * enforce=baseline, not restricted: the official WordPress image runs Apache
 * as root to bind :80 and chowns its docroot on start, and the MariaDB/MySQL
 * images' entrypoints start as root to fix data-dir ownership before dropping
 * privileges. "restricted" (runAsNonRoot, no privilege escalation, dropped
 * capabilities) rejects those pods outright. baseline still forbids privileged
 * containers, host namespaces, hostPath and added capabilities. warn/audit at
 * restricted keep the gap visible in `kubectl` output and the audit log.
 */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  "pod-security.kubernetes.io/enforce": "baseline",
  "pod-security.kubernetes.io/enforce-version": "latest",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "latest",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "latest",
};

/** Labels every store namespace carries: the caller's, then ours (ours win). */
export function storeNamespaceLabels(extra: Record<string, string>): Record<string, string> {
  return {
    ...extra,
    [LABELS.managedBy]: PLATFORM_NAME,
    [LABELS.partOf]: PLATFORM_NAME,
    ...POD_SECURITY_LABELS,
  };
}

/** True when every wanted label is present with the wanted value. */
export function hasLabels(
  actual: Record<string, string> | undefined,
  wanted: Record<string, string>,
): boolean {
  return Object.entries(wanted).every(([k, v]) => actual?.[k] === v);
}
