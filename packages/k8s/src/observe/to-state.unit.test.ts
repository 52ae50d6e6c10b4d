// Level: unit (client-node objects → contract state types).
import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  eventToState,
  jobToState,
  podsTerminationReason,
  podToState,
  pvcToState,
} from "./to-state.ts";

describe("podToState", () => {
  it("reads waiting reasons of init and app containers, with the spec image", () => {
    const state = podToState({
      metadata: {
        name: "web-1",
        namespace: "store-a",
        creationTimestamp: new Date("2026-11-23T00:00:00Z"),
      },
      spec: {
        initContainers: [{ name: "wait-db", image: "busybox:1.37" }],
        containers: [{ name: "wordpress", image: "wordpress:6.8" }],
      },
      status: {
        phase: "Pending",
        initContainerStatuses: [
          {
            name: "wait-db",
            image: "docker.io/library/busybox@sha256:abc",
            imageID: "",
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: { terminated: { reason: "Error", exitCode: 1 } },
          },
        ],
        containerStatuses: [
          {
            name: "wordpress",
            image: "wordpress:6.8",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "PodInitializing" } },
          },
        ],
      },
    });
    expect(state.containers).toEqual([
      {
        name: "wait-db",
        image: "busybox:1.37",
        ready: false,
        restartCount: 2,
        waitingReason: "CrashLoopBackOff",
        waitingMessage: null,
        lastTerminatedReason: "Error",
      },
      {
        name: "wordpress",
        image: "wordpress:6.8",
        ready: false,
        restartCount: 0,
        waitingReason: "PodInitializing",
        waitingMessage: null,
        lastTerminatedReason: null,
      },
    ]);
    expect(state.createdAt).toBe("2026-11-23T00:00:00.000Z");
    expect(state.owner).toBeNull();
  });

  it("takes the unschedulable message from the PodScheduled condition only when unschedulable", () => {
    const pending = podToState({
      metadata: { name: "p" },
      status: {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/1 nodes are available",
          },
        ],
      },
    });
    expect(pending.unschedulableMessage).toBe("0/1 nodes are available");
    const running = podToState({
      metadata: { name: "p" },
      status: {
        phase: "Running",
        conditions: [
          { type: "PodScheduled", status: "True" },
          { type: "Ready", status: "True" },
        ],
      },
    });
    expect(running.unschedulableMessage).toBeNull();
    expect(running.ready).toBe(true);
  });

  it("falls back to the app.kubernetes.io/name label for the owner and maps odd phases to Unknown", () => {
    const s = podToState({
      metadata: { name: "p", labels: { "app.kubernetes.io/name": "mariadb" } },
      status: { phase: "Weird" },
    });
    expect(s.owner).toBe("mariadb");
    expect(s.phase).toBe("Unknown");
  });

  it("sees a pod being deleted and its finalizers", () => {
    const s = podToState({
      metadata: { name: "p", deletionTimestamp: new Date(), finalizers: ["x/y"] },
    });
    expect(s.terminating).toBe(true);
    expect(s.finalizers).toEqual(["x/y"]);
  });
});

describe("jobToState", () => {
  it("reads a failed job's reason and message", () => {
    expect(
      jobToState({
        metadata: { name: "setup", namespace: "store-a" },
        status: {
          failed: 4,
          conditions: [
            {
              type: "Failed",
              status: "True",
              reason: "BackoffLimitExceeded",
              message: "Job has reached the specified backoff limit",
            },
          ],
        },
      }),
    ).toEqual({
      name: "setup",
      namespace: "store-a",
      active: 0,
      succeeded: 0,
      failed: 4,
      complete: false,
      failedReason: "BackoffLimitExceeded",
      failedMessage: "Job has reached the specified backoff limit",
    });
  });
});

describe("pvcToState and eventToState", () => {
  it("takes a failed Job's reason from its newest pod's termination message, init containers first, folded to one line", () => {
    const pod = (created: string, statuses: Record<string, unknown>) =>
      ({
        metadata: { name: created, creationTimestamp: new Date(created) },
        status: statuses,
      }) as unknown as V1Pod;
    const terminated = (exitCode: number, message?: string) => ({
      name: "c",
      image: "",
      imageID: "",
      ready: false,
      restartCount: 0,
      state: { terminated: { exitCode, message } },
    });
    const older = pod("2026-12-02T10:00:00Z", {
      containerStatuses: [terminated(1, "restore: an older attempt's reason")],
    });
    const newer = pod("2026-12-02T10:05:00Z", {
      initContainerStatuses: [
        terminated(
          1,
          "restore: backup b not restored: its objects could not be fetched\nand verified\n",
        ),
      ],
      containerStatuses: [terminated(1, "a later container's message")],
    });
    expect(podsTerminationReason([older, newer])).toBe(
      "restore: backup b not restored: its objects could not be fetched; and verified",
    );
    // A container that exited 0 says nothing about a failure; one with no message is passed over.
    const quiet = pod("2026-12-02T10:10:00Z", {
      containerStatuses: [terminated(0, "done"), terminated(137)],
    });
    expect(podsTerminationReason([quiet, older])).toBe("restore: an older attempt's reason");
    // A crash-looped container's reason is in lastState.
    const crashed = pod("2026-12-02T10:00:00Z", {
      containerStatuses: [
        {
          ...terminated(0),
          state: { waiting: {} },
          lastState: { terminated: { exitCode: 2, message: "verify: FAILED: x" } },
        },
      ],
    });
    expect(podsTerminationReason([crashed])).toBe("verify: FAILED: x");
    expect(podsTerminationReason([])).toBeNull();
    // A long message is cut: it is one line in an error column, not a log.
    const long = pod("2026-12-02T10:00:00Z", {
      containerStatuses: [terminated(1, "x".repeat(4096))],
    });
    expect(podsTerminationReason([long])).toBe(`${"x".repeat(500)}…`);
  });

  it("reports a PVC held by its finalizer as Terminating", () => {
    expect(
      pvcToState({
        metadata: {
          name: "d",
          namespace: "n",
          deletionTimestamp: new Date(),
          finalizers: ["kubernetes.io/pvc-protection"],
        },
        status: { phase: "Bound" },
      }),
    ).toEqual({
      name: "d",
      namespace: "n",
      phase: "Terminating",
      finalizers: ["kubernetes.io/pvc-protection"],
    });
  });

  it("prefers lastTimestamp, then the series, then eventTime", () => {
    const base = {
      metadata: { namespace: "n" },
      involvedObject: { kind: "Pod", name: "p" },
      type: "Warning",
      reason: "R",
      message: "m",
    };
    expect(
      eventToState({ ...base, lastTimestamp: new Date("2026-01-01T00:00:00Z") }).lastSeen,
    ).toBe("2026-01-01T00:00:00.000Z");
    expect(eventToState({ ...base, eventTime: new Date("2026-01-02T00:00:00Z") }).lastSeen).toBe(
      "2026-01-02T00:00:00.000Z",
    );
    expect(eventToState({ ...base, type: "Normal" }).type).toBe("Normal");
  });
});
