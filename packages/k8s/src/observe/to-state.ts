// client-node objects → the contract's plain state types, so readers and the
// controller work the same on the real and the simulated cluster.
import type {
  CoreV1Event,
  V1ContainerStatus,
  V1Deployment,
  V1Job,
  V1PersistentVolumeClaim,
  V1Pod,
  V1StatefulSet,
} from "@kubernetes/client-node";
import type {
  ContainerState,
  EventState,
  JobState,
  PodState,
  PvcState,
  WorkloadState,
} from "../cluster.ts";

function iso(value: Date | string | undefined | null): string | null {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const POD_PHASES = new Set(["Pending", "Running", "Succeeded", "Failed", "Unknown"]);

function podOwner(pod: V1Pod): string | null {
  const ref =
    pod.metadata?.ownerReferences?.find((r) => r.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (ref) {
    // A Deployment's pods are owned by a ReplicaSet "<deployment>-<pod-template-hash>".
    const hash = pod.metadata?.labels?.["pod-template-hash"];
    if (ref.kind === "ReplicaSet" && hash && ref.name.endsWith(`-${hash}`)) {
      return ref.name.slice(0, -(hash.length + 1));
    }
    return ref.name;
  }
  return pod.metadata?.labels?.["app.kubernetes.io/name"] ?? null;
}

function containerState(
  name: string,
  specImage: string,
  status: V1ContainerStatus | undefined,
): ContainerState {
  return {
    name,
    // status.image can be a resolved digest; the spec image is what a human wrote.
    image: specImage || status?.image || "",
    ready: status?.ready ?? false,
    restartCount: status?.restartCount ?? 0,
    waitingReason: status?.state?.waiting?.reason ?? null,
    waitingMessage: status?.state?.waiting?.message ?? null,
    lastTerminatedReason:
      status?.state?.terminated?.reason ?? status?.lastState?.terminated?.reason ?? null,
  };
}

export function podToState(pod: V1Pod): PodState {
  const phase = pod.status?.phase ?? "Unknown";
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  const statuses = new Map<string, V1ContainerStatus>();
  for (const s of [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]) {
    statuses.set(s.name, s);
  }
  // Init containers first: a pod stuck waiting for its database shows there.
  const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return {
    name: pod.metadata?.name ?? "",
    namespace: pod.metadata?.namespace ?? "",
    phase: (POD_PHASES.has(phase) ? phase : "Unknown") as PodState["phase"],
    ready: pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    owner: podOwner(pod),
    unschedulableMessage:
      scheduled?.status === "False" && scheduled.reason === "Unschedulable"
        ? (scheduled.message ?? "no message from the scheduler")
        : null,
    containers: specs.map((c) => containerState(c.name, c.image ?? "", statuses.get(c.name))),
    createdAt: iso(pod.metadata?.creationTimestamp),
    terminating: Boolean(pod.metadata?.deletionTimestamp),
    finalizers: pod.metadata?.finalizers ?? [],
  };
}

export function deploymentToState(d: V1Deployment): WorkloadState {
  return {
    kind: "Deployment",
    name: d.metadata?.name ?? "",
    namespace: d.metadata?.namespace ?? "",
    desiredReplicas: d.spec?.replicas ?? 1,
    readyReplicas: d.status?.readyReplicas ?? 0,
  };
}

export function statefulSetToState(s: V1StatefulSet): WorkloadState {
  return {
    kind: "StatefulSet",
    name: s.metadata?.name ?? "",
    namespace: s.metadata?.namespace ?? "",
    desiredReplicas: s.spec?.replicas ?? 1,
    readyReplicas: s.status?.readyReplicas ?? 0,
  };
}

export function jobToState(j: V1Job): JobState {
  const conds = j.status?.conditions ?? [];
  const failed = conds.find((c) => c.type === "Failed" && c.status === "True");
  return {
    name: j.metadata?.name ?? "",
    namespace: j.metadata?.namespace ?? "",
    active: j.status?.active ?? 0,
    succeeded: j.status?.succeeded ?? 0,
    failed: j.status?.failed ?? 0,
    complete: conds.some((c) => c.type === "Complete" && c.status === "True"),
    failedReason: failed ? (failed.reason ?? "Failed") : null,
    failedMessage: failed ? (failed.message ?? null) : null,
  };
}

/** Longest script reason kept: one line in an error column, not a log. */
const SCRIPT_REASON_MAX = 500;

/**
 * The termination message of the newest pod that has a container (init
 * containers first) which exited with an error and left one. Kubernetes
 * fills state.terminated.message from the container's terminationMessagePath
 * (default /dev/termination-log; at most 4 KiB): "Determine the Reason for
 * Pod Failure", kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/.
 * A crashed container's previous run is in lastState. Folded to one line.
 */
export function podsTerminationReason(pods: readonly V1Pod[]): string | null {
  const newestFirst = [...pods].sort((a, b) =>
    (iso(b.metadata?.creationTimestamp) ?? "").localeCompare(
      iso(a.metadata?.creationTimestamp) ?? "",
    ),
  );
  for (const pod of newestFirst) {
    const statuses = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
    ];
    for (const status of statuses) {
      const terminated = status.state?.terminated ?? status.lastState?.terminated;
      const message = terminated && terminated.exitCode !== 0 ? terminated.message?.trim() : "";
      if (message) {
        const line = message.replace(/\s*\n\s*/g, "; ");
        return line.length > SCRIPT_REASON_MAX ? `${line.slice(0, SCRIPT_REASON_MAX)}…` : line;
      }
    }
  }
  return null;
}

export function pvcToState(p: V1PersistentVolumeClaim): PvcState {
  return {
    name: p.metadata?.name ?? "",
    namespace: p.metadata?.namespace ?? "",
    // A PVC being deleted but held by a finalizer still says "Bound".
    phase: p.metadata?.deletionTimestamp ? "Terminating" : (p.status?.phase ?? "Pending"),
    finalizers: p.metadata?.finalizers ?? [],
  };
}

export function eventToState(e: CoreV1Event): EventState {
  return {
    namespace: e.metadata?.namespace ?? e.involvedObject?.namespace ?? "",
    type: e.type === "Warning" ? "Warning" : "Normal",
    reason: e.reason ?? "",
    message: e.message ?? "",
    involvedKind: e.involvedObject?.kind ?? "",
    involvedName: e.involvedObject?.name ?? "",
    lastSeen: iso(
      e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.metadata?.creationTimestamp,
    ),
  };
}
