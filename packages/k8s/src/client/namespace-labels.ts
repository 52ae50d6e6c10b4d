import { LABELS, PLATFORM_NAME } from "../store-contract.ts";

/**
 * Pod Security Admission for store namespaces.
 *
 * enforce=restricted: every pod the engine charts render already meets it
 * (non-root uids, allowPrivilegeEscalation false, all capabilities dropped,
 * RuntimeDefault seccomp; WordPress binds :80 as www-data through the safe
 * net.ipv4.ip_unprivileged_port_start sysctl, MariaDB and Postgres start as
 * their own users), and charts/test/pod-security.helm.test.ts checks every
 * pod of every engine and plan against the profile. cert-manager's HTTP-01
 * solver pods, created in the store namespace, meet it as well (non-root,
 * RuntimeDefault seccomp, capabilities dropped: cert-manager#5259, in 1.10).
 * A tenant chart that loosened a pod would now be rejected at admission.
 */
export const POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
  "pod-security.kubernetes.io/enforce": "restricted",
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
