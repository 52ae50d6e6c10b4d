import type { ContainerState, PodState } from "../cluster.ts";
import type { Problem } from "./problem.ts";

const IMAGE_PULL = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "ErrImageNeverPull",
]);
const CONFIG = new Set(["CreateContainerConfigError"]);
const CONTAINER = new Set(["CreateContainerError", "RunContainerError", "PostStartHookError"]);

function detail(message: string | null): string {
  return message ? ` (${message})` : "";
}

function restarts(n: number): string {
  return n === 1 ? "restarted once" : `restarted ${n} times`;
}

function containerProblem(pod: PodState, c: ContainerState): Problem | null {
  const where = `container "${c.name}" in pod "${pod.name}"`;
  const reason = c.waitingReason;
  if (reason && IMAGE_PULL.has(reason)) {
    return {
      kind: "ImagePullFailed",
      message: `${reason}: image "${c.image}" cannot be pulled${detail(c.waitingMessage)}`,
    };
  }
  if (reason === "CrashLoopBackOff") {
    const last = c.lastTerminatedReason ? `; last exit: ${c.lastTerminatedReason}` : "";
    return {
      kind: c.lastTerminatedReason === "OOMKilled" ? "OOMKilled" : "CrashLooping",
      message: `CrashLoopBackOff: ${where} keeps crashing (${restarts(c.restartCount)}${last})`,
    };
  }
  if (reason && CONFIG.has(reason)) {
    // Typically a missing Secret or key, e.g. `couldn't find key admin-password in Secret …`.
    return { kind: "ConfigError", message: `${reason}: ${where}${detail(c.waitingMessage)}` };
  }
  if (reason && CONTAINER.has(reason)) {
    return { kind: "ContainerError", message: `${reason}: ${where}${detail(c.waitingMessage)}` };
  }
  // lastState keeps an old OOMKilled forever; once the container is ready
  // again it no longer explains anything.
  if (c.lastTerminatedReason === "OOMKilled" && !c.ready) {
    return {
      kind: "OOMKilled",
      message: `OOMKilled: ${where} ran out of memory (${restarts(c.restartCount)}); raise its memory limit or the plan`,
    };
  }
  return null;
}

/** Human reasons why one pod is not healthy; empty when nothing is wrong with it. */
export function podProblems(pod: PodState): Problem[] {
  const out: Problem[] = [];
  if (pod.unschedulableMessage) {
    out.push({
      kind: "Unschedulable",
      message: `Unschedulable: pod "${pod.name}" cannot be scheduled (${pod.unschedulableMessage})`,
    });
  }
  for (const c of pod.containers) {
    const p = containerProblem(pod, c);
    if (p) out.push(p);
  }
  return out;
}
