// What an installed engine chart "runs" in the simulated cluster: the same
// shape of workloads, pods and jobs the real charts create, so the
// controller's WorkloadsReady logic and the readers run unchanged on it.
import type { EventState, JobState, PodState, PvcState, WorkloadState } from "../cluster.ts";

export interface SimulatedWorkloadPlan {
  workloads: { kind: "Deployment" | "StatefulSet"; name: string; image: string }[];
  job: { name: string; image: string };
  pvcs: string[];
  /** The workload whose image a pull fault replaces (the engine's own app). */
  app: string;
}

export function workloadPlanFor(engine: string): SimulatedWorkloadPlan {
  if (engine === "medusa") {
    return {
      workloads: [
        { kind: "StatefulSet", name: "postgres", image: "postgres:16-alpine" },
        { kind: "Deployment", name: "redis", image: "redis:7-alpine" },
        { kind: "Deployment", name: "medusa", image: "storeplane/medusa:local" },
      ],
      job: { name: "init", image: "storeplane/medusa:local" },
      pvcs: ["data-postgres-0"],
      app: "medusa",
    };
  }
  return {
    workloads: [
      { kind: "StatefulSet", name: "mariadb", image: "mariadb:11.4.8" },
      { kind: "Deployment", name: "wordpress", image: "wordpress:6.8.3-apache" },
    ],
    job: { name: "setup", image: "wordpress:cli-2.12.0" },
    pvcs: ["data-mariadb-0", "wordpress-content"],
    app: engine === "woocommerce" ? "wordpress" : "wordpress",
  };
}

export interface WorkloadTiming {
  namespace: string;
  plan: SimulatedWorkloadPlan;
  /** When the release's objects were created. */
  startedAt: number;
  readyAfterMs: number;
  jobAfterMs: number;
  now: number;
  /** Image that cannot be pulled, replacing the app's image. */
  unpullableImage: string | null;
}

export interface SimulatedWorkloadView {
  workloads: WorkloadState[];
  jobs: JobState[];
  pods: PodState[];
  pvcs: PvcState[];
  events: EventState[];
}

export function workloadView(t: WorkloadTiming): SimulatedWorkloadView {
  const elapsed = t.now - t.startedAt;
  const createdAt = new Date(t.startedAt).toISOString();
  const ready = elapsed >= t.readyAfterMs;
  const pods: PodState[] = [];
  const events: EventState[] = [];
  const workloads = t.plan.workloads.map((w): WorkloadState => {
    const broken = t.unpullableImage !== null && w.name === t.plan.app;
    const image = broken ? (t.unpullableImage as string) : w.image;
    const podReady = ready && !broken;
    pods.push({
      name: w.kind === "StatefulSet" ? `${w.name}-0` : `${w.name}-7d9c8b6f5-x2k4q`,
      namespace: t.namespace,
      phase: podReady ? "Running" : "Pending",
      ready: podReady,
      owner: w.name,
      unschedulableMessage: null,
      createdAt,
      containers: [
        {
          name: w.name,
          image,
          ready: podReady,
          restartCount: 0,
          waitingReason: broken ? "ImagePullBackOff" : podReady ? null : "ContainerCreating",
          waitingMessage: broken ? `Back-off pulling image "${image}"` : null,
          lastTerminatedReason: null,
        },
      ],
    });
    if (broken) {
      events.push({
        namespace: t.namespace,
        type: "Warning",
        reason: "Failed",
        message: `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`,
        involvedKind: "Pod",
        involvedName: `${w.name}-7d9c8b6f5-x2k4q`,
        lastSeen: new Date(t.now).toISOString(),
      });
    }
    return {
      kind: w.kind,
      name: w.name,
      namespace: t.namespace,
      desiredReplicas: 1,
      readyReplicas: podReady ? 1 : 0,
    };
  });
  const jobDone = elapsed >= t.jobAfterMs;
  const jobs: JobState[] = [
    {
      name: t.plan.job.name,
      namespace: t.namespace,
      active: jobDone ? 0 : 1,
      succeeded: jobDone ? 1 : 0,
      failed: 0,
      complete: jobDone,
      failedReason: null,
      failedMessage: null,
    },
  ];
  if (!jobDone) {
    pods.push({
      name: `${t.plan.job.name}-abcde`,
      namespace: t.namespace,
      phase: "Running",
      ready: true,
      owner: t.plan.job.name,
      unschedulableMessage: null,
      createdAt,
      containers: [
        {
          name: t.plan.job.name,
          image: t.plan.job.image,
          ready: true,
          restartCount: 0,
          waitingReason: null,
          waitingMessage: null,
          lastTerminatedReason: null,
        },
      ],
    });
  }
  const pvcs = t.plan.pvcs.map((name) => ({ name, namespace: t.namespace, phase: "Bound" }));
  return { workloads, jobs, pods, pvcs, events };
}
