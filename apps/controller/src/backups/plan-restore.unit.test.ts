// Level: unit. The next step of a restore or clone from its row, its store
// and what the cluster shows.
import type { JobState, NamespaceState, PodState, WorkloadState } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { appWorkloads, planRestore, type RestoreRowState } from "./plan-restore.ts";

const wl = (
  kind: WorkloadState["kind"],
  name: string,
  desiredReplicas: number,
  readyReplicas = desiredReplicas,
): WorkloadState => ({ kind, name, namespace: "store-a", desiredReplicas, readyReplicas });

const pod = (name: string, owner: string): PodState => ({
  name,
  namespace: "store-a",
  phase: "Running",
  ready: true,
  owner,
  unschedulableMessage: null,
  containers: [],
  createdAt: null,
});

function ns(workloads: WorkloadState[], pods: PodState[] = []): NamespaceState {
  return {
    name: "store-a",
    storeId: "s1",
    phase: "Active",
    labels: {},
    guardrails: {},
    secrets: [],
    releases: [],
    workloads,
    jobs: [],
    pods,
    pvcs: [],
    events: [],
  };
}

const job = (over: Partial<JobState> = {}): JobState => ({
  name: "restore-x",
  namespace: "store-a",
  active: 1,
  succeeded: 0,
  failed: 0,
  complete: false,
  failedReason: null,
  failedMessage: null,
  ...over,
});

const store = (phase = "Ready", deleting = false) => ({
  name: "a",
  phase: phase as "Ready",
  deletion_requested_at: deleting ? new Date() : null,
  deleted_at: null,
});

const requested: RestoreRowState = {
  status: "requested",
  kind: "restore",
  scaled: null,
  jobName: null,
};
const medusa = [
  wl("Deployment", "store-medusa", 2),
  wl("Deployment", "store-redis", 1),
  wl("StatefulSet", "store-postgres", 1),
];
const scaled = [
  { kind: "Deployment" as const, name: "store-medusa", replicas: 2 },
  { kind: "Deployment" as const, name: "store-redis", replicas: 1 },
];
const running: RestoreRowState = { status: "running", kind: "restore", scaled, jobName: null };

describe("planRestore", () => {
  it("begins on a Ready store by recording the app Deployments and their replicas, never the database StatefulSets", () => {
    expect(
      planRestore(requested, { store: store(), namespace: ns(medusa), job: undefined }),
    ).toEqual({ step: "begin", scale: scaled });
    // A Deployment already at zero (the paused page of a live store) is left alone.
    expect(appWorkloads(ns([...medusa, wl("Deployment", "store-paused", 0)]))).toEqual(scaled);
  });

  it("a clone waits for its store's first Ready; a restore waits for a Ready store", () => {
    const clone = { ...requested, kind: "clone" as const };
    expect(
      planRestore(clone, { store: store("Provisioning"), namespace: ns([]), job: undefined }),
    ).toEqual({
      step: "wait",
      reason: "waiting for the clone's first Ready (store a is Provisioning)",
    });
    expect(
      planRestore(requested, { store: store("Failed"), namespace: ns(medusa), job: undefined }),
    ).toMatchObject({ step: "wait", reason: expect.stringContaining("store a is Failed") });
    expect(
      planRestore(requested, { store: store(), namespace: undefined, job: undefined }),
    ).toMatchObject({
      step: "wait",
    });
  });

  it("fails a requested restore into a store being deleted, touching nothing", () => {
    expect(
      planRestore(requested, {
        store: store("Deleting", true),
        namespace: ns(medusa),
        job: undefined,
      }),
    ).toEqual({ step: "fail", reason: "store a is being deleted; nothing was restored" });
  });

  it("running: scales down again what is still up, then waits for the app's pods, then applies the Job", () => {
    expect(
      planRestore(running, { store: store("Restoring"), namespace: ns(medusa), job: undefined }),
    ).toEqual({
      step: "scale-down",
      workloads: scaled,
    });
    const down = [
      wl("Deployment", "store-medusa", 0, 0),
      wl("Deployment", "store-redis", 0, 0),
      wl("StatefulSet", "store-postgres", 1),
    ];
    expect(
      planRestore(running, {
        store: store("Restoring"),
        namespace: ns(down, [
          pod("store-medusa-abc-1", "store-medusa"),
          pod("store-postgres-0", "store-postgres"),
        ]),
        job: undefined,
      }),
    ).toEqual({ step: "wait", reason: "waiting for the app's pods to stop: store-medusa-abc-1" });
    expect(
      planRestore(running, {
        store: store("Restoring"),
        namespace: ns(down, [pod("store-postgres-0", "store-postgres")]),
        job: undefined,
      }),
    ).toEqual({ step: "apply-job" });
  });

  it("follows the Job: running → wait, Complete → succeeded, Failed or gone → failed with the reason", () => {
    const withJob = { ...running, jobName: "restore-x" };
    const view = (j: JobState | null) => ({ store: store("Restoring"), namespace: ns([]), job: j });
    expect(planRestore(withJob, view(job()))).toEqual({
      step: "wait",
      reason: "restore Job restore-x is running",
    });
    expect(planRestore(withJob, view(job({ complete: true, succeeded: 1 })))).toEqual({
      step: "finish",
      outcome: "succeeded",
    });
    expect(
      planRestore(
        withJob,
        view(
          job({
            failed: 1,
            failedReason: "BackoffLimitExceeded",
            failedMessage: "Job has reached the specified backoff limit",
          }),
        ),
      ),
    ).toEqual({
      step: "finish",
      outcome: "failed",
      reason: expect.stringMatching(
        /^the restore Job failed \(BackoffLimitExceeded: Job has reached the specified backoff limit\)/,
      ),
    });
    expect(planRestore(withJob, view(null))).toEqual({
      step: "finish",
      outcome: "failed",
      reason: "the restore Job is gone (deleted before its result was read)",
    });
  });

  it("does nothing for a finished restore", () => {
    for (const status of ["succeeded", "failed"] as const)
      expect(
        planRestore({ ...running, status }, { store: store(), namespace: ns(medusa), job: null }),
      ).toEqual({ step: "none" });
  });
});
