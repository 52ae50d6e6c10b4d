// What a pod's status says at a given moment, as the kubelet reports it:
// waiting (ContainerCreating, ErrImagePull → ImagePullBackOff, CrashLoopBackOff
// with its restart count and last exit), running and ready, with the events
// the kubelet records for each state. Pure: time and faults in, status out.
import type { Faults } from "./faults.ts";
import type { SimObject } from "./object-store.ts";

export interface WorkloadTimings {
  /** From pod creation to Running and ready. */
  workloadsReadyMs: number;
  /** From Job creation to Complete. */
  jobCompleteMs: number;
}

const ERR_IMAGE_PULL_MS = 100;

export interface Container {
  name: string;
  image: string;
}

export interface PodOutcome {
  status: Record<string, unknown>;
  ready: boolean;
  events: { type: "Normal" | "Warning"; reason: string; message: string }[];
}

export function podStatus(
  pod: SimObject,
  now: number,
  faults: Faults,
  crash: boolean,
  t: WorkloadTimings,
): PodOutcome {
  const namespace = pod.metadata.namespace as string;
  const elapsed = now - Date.parse(pod.metadata.creationTimestamp as string);
  const containers: Container[] = pod.spec.containers;
  const bad = faults.unpullableImages(namespace);
  const scheduled = { type: "PodScheduled", status: "True" };
  const notReady = [
    scheduled,
    { type: "Ready", status: "False" },
    { type: "ContainersReady", status: "False" },
  ];
  const pulling = containers.find((c) => bad.has(c.image));
  if (pulling) {
    const backoff = elapsed >= ERR_IMAGE_PULL_MS;
    return {
      ready: false,
      status: {
        phase: "Pending",
        conditions: notReady,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: false,
          restartCount: 0,
          state: {
            waiting:
              c === pulling
                ? backoff
                  ? { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` }
                  : {
                      reason: "ErrImagePull",
                      message: `rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`,
                    }
                : { reason: "PodInitializing" },
          },
        })),
      },
      // kubelet's wording (pkg/kubelet/images/image_manager.go).
      events: [
        {
          type: "Warning",
          reason: "Failed",
          message: `Failed to pull image "${pulling.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${pulling.image}": not found`,
        },
        ...(backoff
          ? [
              {
                type: "Warning" as const,
                reason: "BackOff",
                message: `Back-off pulling image "${pulling.image}"`,
              },
            ]
          : []),
      ],
    };
  }
  if (elapsed < t.workloadsReadyMs) {
    return {
      ready: false,
      status: {
        phase: "Pending",
        conditions: notReady,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: "ContainerCreating" } },
        })),
      },
      events: [],
    };
  }
  if (crash) {
    const restarts =
      1 + Math.floor((elapsed - t.workloadsReadyMs) / Math.max(t.workloadsReadyMs, 1));
    const first = containers[0] as Container;
    return {
      ready: false,
      status: {
        phase: "Running",
        conditions: notReady,
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: false,
          restartCount: c === first ? restarts : 0,
          state:
            c === first
              ? {
                  waiting: {
                    reason: "CrashLoopBackOff",
                    message: `back-off restarting failed container=${c.name} pod=${pod.metadata.name}`,
                  },
                }
              : { running: {} },
          lastState: c === first ? { terminated: { reason: "Error", exitCode: 1 } } : {},
        })),
      },
      events: [
        {
          type: "Warning",
          reason: "BackOff",
          message: `Back-off restarting failed container ${first.name} in pod ${pod.metadata.name}`,
        },
      ],
    };
  }
  const started = new Date(
    Date.parse(pod.metadata.creationTimestamp as string) + t.workloadsReadyMs,
  ).toISOString();
  return {
    ready: true,
    status: {
      phase: "Running",
      conditions: [
        scheduled,
        { type: "Ready", status: "True" },
        { type: "ContainersReady", status: "True" },
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: started } },
      })),
    },
    events: [
      { type: "Normal", reason: "Started", message: `Started container ${containers[0]?.name}` },
    ],
  };
}
