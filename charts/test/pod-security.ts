// The Pod Security Standards' `restricted` profile (which includes `baseline`),
// as the API server's PodSecurity admission checks it at version "latest"
// (Kubernetes 1.34). Written from the standard's table, control by control:
// https://kubernetes.io/docs/concepts/security/pod-security-standards/
// and its implementation, k8s.io/pod-security-admission/policy/check_*.go.
// Returns one message per violation, naming the container and the field.
import type { Json } from "./workloads.ts";

// baseline "Capabilities": what may be added at all.
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

// baseline "Sysctls": the safe set as of 1.32 (check_sysctls.go).
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem",
]);

// restricted "Volume Types".
const RESTRICTED_VOLUMES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);

const SELINUX_TYPES = new Set([
  "",
  "container_t",
  "container_init_t",
  "container_kvm_t",
  "container_engine_t",
]);

function allContainers(pod: Json): Json[] {
  return [
    ...(pod.initContainers ?? []),
    ...(pod.containers ?? []),
    ...(pod.ephemeralContainers ?? []),
  ];
}

/** Every violation of Pod Security `restricted` in one pod spec (with its template annotations). */
export function restrictedViolations(
  pod: Json,
  annotations: Record<string, string> = {},
): string[] {
  const out: string[] = [];
  const podSc = pod.securityContext ?? {};
  const containers = allContainers(pod);

  // --- baseline ---
  if (pod.hostNetwork) out.push("hostNetwork must be false");
  if (pod.hostPID) out.push("hostPID must be false");
  if (pod.hostIPC) out.push("hostIPC must be false");
  if (podSc.windowsOptions?.hostProcess) out.push("pod windowsOptions.hostProcess must be false");
  for (const s of podSc.sysctls ?? [])
    if (!SAFE_SYSCTLS.has(s.name)) out.push(`sysctl ${s.name} is not in the safe set`);
  const checkSeLinux = (where: string, se: Json) => {
    if (!se) return;
    if (!SELINUX_TYPES.has(se.type ?? "")) out.push(`${where} seLinuxOptions.type ${se.type}`);
    if (se.user || se.role) out.push(`${where} seLinuxOptions user/role must be unset`);
  };
  checkSeLinux("pod", podSc.seLinuxOptions);
  const checkAppArmor = (where: string, profile: Json) => {
    if (profile && !["RuntimeDefault", "Localhost"].includes(profile.type))
      out.push(`${where} appArmorProfile.type ${profile.type}`);
  };
  checkAppArmor("pod", podSc.appArmorProfile);
  for (const [key, value] of Object.entries(annotations)) {
    if (
      key.startsWith("container.apparmor.security.beta.kubernetes.io/") &&
      value !== "runtime/default" &&
      !value.startsWith("localhost/")
    )
      out.push(`annotation ${key}=${value}`);
  }

  // --- restricted: pod level ---
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((k) => k !== "name") ?? "";
    if (!RESTRICTED_VOLUMES.has(type)) out.push(`volume ${volume.name} has type ${type}`);
  }
  const podNonRoot = podSc.runAsNonRoot === true;
  if (podSc.runAsUser === 0) out.push("pod runAsUser must not be 0");
  const podSeccomp = podSc.seccompProfile?.type;
  if (podSeccomp !== undefined && !["RuntimeDefault", "Localhost"].includes(podSeccomp))
    out.push(`pod seccompProfile.type ${podSeccomp}`);

  for (const c of containers) {
    const where = `container ${c.name}`;
    const sc = c.securityContext ?? {};
    // baseline
    if (sc.privileged) out.push(`${where} privileged must be false`);
    if (sc.windowsOptions?.hostProcess) out.push(`${where} windowsOptions.hostProcess`);
    if (sc.procMount && sc.procMount !== "Default") out.push(`${where} procMount ${sc.procMount}`);
    for (const port of c.ports ?? [])
      if (port.hostPort) out.push(`${where} hostPort ${port.hostPort}`);
    checkSeLinux(where, sc.seLinuxOptions);
    checkAppArmor(where, sc.appArmorProfile);
    // restricted
    if (sc.allowPrivilegeEscalation !== false)
      out.push(`${where} allowPrivilegeEscalation must be false`);
    if (sc.runAsNonRoot === false || (!podNonRoot && sc.runAsNonRoot !== true))
      out.push(`${where} runAsNonRoot must be true (pod or container)`);
    if (sc.runAsUser === 0) out.push(`${where} runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type;
    if (seccomp !== undefined && !["RuntimeDefault", "Localhost"].includes(seccomp))
      out.push(`${where} seccompProfile.type ${seccomp}`);
    if (seccomp === undefined && podSeccomp === undefined)
      out.push(`${where} seccompProfile must be RuntimeDefault or Localhost (pod or container)`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) out.push(`${where} capabilities.drop must include ALL`);
    // baseline allows a list of additions; restricted narrows it to NET_BIND_SERVICE.
    for (const cap of sc.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(cap))
        out.push(`${where} adds capability ${cap} (not even baseline)`);
      else if (cap !== "NET_BIND_SERVICE") out.push(`${where} adds capability ${cap}`);
    }
  }
  return out;
}
