// Level: unit (pure functions over the contract's state types).
import { describe, expect, it } from "vitest";
import type { ContainerState, NamespaceState, PodState } from "../cluster.ts";
import { describeNamespaceProblems, summarizeStoreHealth } from "./namespace-problems.ts";
import { podProblems } from "./pod-problems.ts";
import { whatHoldsNamespace } from "./what-holds.ts";

function container(over: Partial<ContainerState> = {}): ContainerState {
  return {
    name: "app",
    image: "wordpress:6.8-apache",
    ready: false,
    restartCount: 0,
    waitingReason: null,
    waitingMessage: null,
    lastTerminatedReason: null,
    ...over,
  };
}

function pod(over: Partial<PodState> = {}, c: Partial<ContainerState> = {}): PodState {
  return {
    name: "web-1",
    namespace: "store-a",
    phase: "Pending",
    ready: false,
    owner: "web",
    unschedulableMessage: null,
    containers: [container(c)],
    createdAt: null,
    ...over,
  };
}

function ns(over: Partial<NamespaceState> = {}): NamespaceState {
  return {
    name: "store-a",
    storeId: "1",
    phase: "Active",
    labels: {},
    guardrails: {},
    secrets: [],
    releases: [],
    workloads: [],
    jobs: [],
    pods: [],
    pvcs: [],
    events: [],
    ...over,
  };
}

describe("podProblems", () => {
  const cases: [string, PodState, string | null][] = [
    [
      "ImagePullBackOff names the image and keeps the kubelet's message",
      pod(
        {},
        {
          waitingReason: "ImagePullBackOff",
          image: "wordpress:9.9",
          waitingMessage: 'Back-off pulling image "wordpress:9.9"',
        },
      ),
      'ImagePullBackOff: image "wordpress:9.9" cannot be pulled (Back-off pulling image "wordpress:9.9")',
    ],
    [
      "ErrImagePull without a message",
      pod({}, { waitingReason: "ErrImagePull", image: "ghcr.io/x/medusa:1" }),
      'ErrImagePull: image "ghcr.io/x/medusa:1" cannot be pulled',
    ],
    [
      "CrashLoopBackOff names container, pod and restarts",
      pod(
        { phase: "Running" },
        { waitingReason: "CrashLoopBackOff", restartCount: 5, lastTerminatedReason: "Error" },
      ),
      'CrashLoopBackOff: container "app" in pod "web-1" keeps crashing (restarted 5 times; last exit: Error)',
    ],
    [
      "OOMKilled after a restart, not ready yet",
      pod(
        { phase: "Running" },
        { ready: false, restartCount: 1, lastTerminatedReason: "OOMKilled" },
      ),
      'OOMKilled: container "app" in pod "web-1" ran out of memory (restarted once); raise its memory limit or the plan',
    ],
    [
      "CreateContainerConfigError with a missing Secret key",
      pod(
        {},
        {
          waitingReason: "CreateContainerConfigError",
          waitingMessage: "couldn't find key admin-password in Secret store-a/store-credentials",
        },
      ),
      'CreateContainerConfigError: container "app" in pod "web-1" (couldn\'t find key admin-password in Secret store-a/store-credentials)',
    ],
    [
      "Unschedulable with the scheduler's message",
      pod({ unschedulableMessage: "0/1 nodes are available: 1 Insufficient memory." }),
      'Unschedulable: pod "web-1" cannot be scheduled (0/1 nodes are available: 1 Insufficient memory.)',
    ],
    [
      "a container that is merely starting is no problem",
      pod({}, { waitingReason: "ContainerCreating" }),
      null,
    ],
    [
      "a healthy running pod is no problem",
      pod({ phase: "Running", ready: true }, { ready: true }),
      null,
    ],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    const messages = podProblems(input).map((p) => p.message);
    expect(messages).toEqual(expected === null ? [] : [expected]);
  });

  it("classifies a crash loop caused by OOM as OOMKilled", () => {
    const [p] = podProblems(
      pod(
        {},
        { waitingReason: "CrashLoopBackOff", restartCount: 3, lastTerminatedReason: "OOMKilled" },
      ),
    );
    expect(p?.kind).toBe("OOMKilled");
  });
});

describe("describeNamespaceProblems", () => {
  it("lists pods, failed jobs, failed releases and explaining events, without duplicates", () => {
    const bad = pod({}, { waitingReason: "ImagePullBackOff", image: "x:1" });
    const problems = describeNamespaceProblems(
      ns({
        pods: [bad, { ...bad }],
        jobs: [
          {
            name: "setup",
            namespace: "store-a",
            active: 0,
            succeeded: 0,
            failed: 4,
            complete: false,
            failedReason: "BackoffLimitExceeded",
            failedMessage: "Job has reached the specified backoff limit",
          },
        ],
        releases: [
          {
            name: "store",
            namespace: "store-a",
            revision: 3,
            status: "failed",
            valuesDigest: null,
          },
        ],
        events: [
          {
            namespace: "store-a",
            type: "Warning",
            reason: "FailedCreate",
            message: "exceeded quota: storeplane-quota, requested: pods=1",
            involvedKind: "ReplicaSet",
            involvedName: "web-5d",
            lastSeen: null,
          },
          {
            namespace: "store-a",
            type: "Warning",
            reason: "BackOff",
            message: "Back-off restarting",
            involvedKind: "Pod",
            involvedName: "web-1",
            lastSeen: null,
          },
        ],
      }),
    );
    expect(problems).toEqual([
      'ImagePullBackOff: image "x:1" cannot be pulled',
      'Job "setup" failed (BackoffLimitExceeded, 4 failed pods): Job has reached the specified backoff limit',
      'Helm release "store" revision 3 failed',
      'FailedCreate: ReplicaSet "web-5d": exceeded quota: storeplane-quota, requested: pods=1',
    ]);
  });
});

describe("finished pods", () => {
  const oomJobPod = pod(
    { name: "setup-x1", owner: "setup", phase: "Failed" },
    { lastTerminatedReason: "OOMKilled", restartCount: 0 },
  );
  const job = {
    name: "setup",
    namespace: "store-a",
    active: 0,
    succeeded: 1,
    failed: 1,
    complete: true,
    failedReason: null,
    failedMessage: null,
  };

  it("are ignored once their Job succeeded on a retry, so the store can be Ready", () => {
    const web = {
      kind: "Deployment" as const,
      name: "web",
      namespace: "store-a",
      desiredReplicas: 1,
      readyReplicas: 1,
    };
    const h = summarizeStoreHealth(ns({ workloads: [web], jobs: [job], pods: [oomJobPod] }));
    expect(h.ready).toBe(true);
    expect(h.problems).toEqual([]);
  });

  it("explain a failed Job", () => {
    const failed = { ...job, succeeded: 0, complete: false, failedReason: "BackoffLimitExceeded" };
    expect(describeNamespaceProblems(ns({ jobs: [failed], pods: [oomJobPod] }))[0]).toMatch(
      /^OOMKilled: container "app" in pod "setup-x1"/,
    );
  });
});

describe("summarizeStoreHealth", () => {
  const web = {
    kind: "Deployment" as const,
    name: "web",
    namespace: "store-a",
    desiredReplicas: 1,
    readyReplicas: 1,
  };
  const db = {
    kind: "StatefulSet" as const,
    name: "db",
    namespace: "store-a",
    desiredReplicas: 1,
    readyReplicas: 0,
  };
  const setupDone = {
    name: "setup",
    namespace: "store-a",
    active: 0,
    succeeded: 1,
    failed: 0,
    complete: true,
    failedReason: null,
    failedMessage: null,
  };
  const cases: [string, Partial<NamespaceState>, boolean, string][] = [
    ["nothing deployed yet", {}, false, "NoWorkloads"],
    ["a workload not ready yet", { workloads: [web, db] }, false, "Progressing"],
    [
      "a job still running",
      { workloads: [web], jobs: [{ ...setupDone, complete: false, active: 1, succeeded: 0 }] },
      false,
      "Progressing",
    ],
    [
      "all ready and the job complete",
      { workloads: [web], jobs: [setupDone] },
      true,
      "WorkloadsReady",
    ],
    [
      "a problem outranks progress",
      { workloads: [web, db], pods: [pod({}, { waitingReason: "ImagePullBackOff" })] },
      false,
      "ImagePullFailed",
    ],
  ];
  it.each(cases)("%s", (_name, over, ready, reason) => {
    const h = summarizeStoreHealth(ns(over));
    expect(h.ready).toBe(ready);
    expect(h.reason).toBe(reason);
    expect(h.message.length).toBeGreaterThan(0);
  });

  it("lets a lingering Warning event or a failed release add context but not block readiness", () => {
    const ev = {
      namespace: "store-a",
      type: "Warning" as const,
      reason: "FailedMount",
      message: "timed out",
      involvedKind: "Pod",
      involvedName: "db-0",
      lastSeen: null,
    };
    const failedRelease = {
      name: "store",
      namespace: "store-a",
      revision: 2,
      status: "failed" as const,
      valuesDigest: null,
    };
    expect(
      summarizeStoreHealth(ns({ workloads: [web], events: [ev], releases: [failedRelease] })).ready,
    ).toBe(true);
    const waiting = summarizeStoreHealth(ns({ workloads: [web, db], events: [ev] }));
    expect(waiting.reason).toBe("Progressing");
    expect(waiting.message).toBe(
      'waiting: StatefulSet db 0/1 ready; FailedMount: Pod "db-0": timed out',
    );
  });

  it("says which workload it waits for", () => {
    expect(summarizeStoreHealth(ns({ workloads: [web, db] })).message).toBe(
      "waiting: StatefulSet db 0/1 ready",
    );
  });
});

describe("whatHoldsNamespace", () => {
  it("is empty for an active namespace", () => {
    expect(
      whatHoldsNamespace(ns({ pvcs: [{ name: "d", namespace: "store-a", phase: "Bound" }] })),
    ).toEqual([]);
  });

  it("names the API server's conditions, PVCs and pods with their finalizers, and a leftover release", () => {
    const held = whatHoldsNamespace(
      ns({
        phase: "Terminating",
        terminationMessages: [
          "NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 resource instances",
        ],
        pvcs: [
          {
            name: "data-db-0",
            namespace: "store-a",
            phase: "Terminating",
            finalizers: ["kubernetes.io/pvc-protection"],
          },
        ],
        pods: [pod({ name: "db-0", terminating: true, finalizers: ["example.com/hold"] })],
        releases: [
          {
            name: "store",
            namespace: "store-a",
            revision: 2,
            status: "uninstalling",
            valuesDigest: null,
          },
        ],
      }),
    );
    expect(held).toEqual([
      "NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 resource instances",
      'PersistentVolumeClaim "data-db-0" is Terminating (finalizers: kubernetes.io/pvc-protection)',
      'Pod "db-0" is terminating (finalizers: example.com/hold)',
      'Helm release "store" (uninstalling, revision 2) still has its release Secret',
    ]);
  });

  it("says so when it can see nothing holding the namespace", () => {
    expect(whatHoldsNamespace(ns({ phase: "Terminating" }))[0]).toMatch(
      /nothing the platform can see/,
    );
  });
});
