// Level: unit. observe: store row + namespace view → state and conditions.
import type { Store } from "@storeplane/db";
import type { NamespaceState } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { desiredFor, healthyNamespace, storeRow } from "../../test/fixtures.ts";
import { summarize } from "./conditions.ts";
import { type ObserveInput, observe } from "./observe.ts";
import { plan } from "./plan.ts";

const NOW = new Date("2026-01-01T00:10:00Z");

function run(
  store: Store,
  ns: (d: ReturnType<typeof desiredFor>) => NamespaceState | undefined,
  extra: Partial<ObserveInput> = {},
) {
  const desired = desiredFor(store);
  return observe({
    store,
    namespace: ns(desired),
    desired,
    now: NOW,
    provisioningDeadlineMs: 15 * 60_000,
    namespaceStuckMs: 120_000,
    stalled: store.phase === "Failed" && store.observed_generation >= store.generation,
    markedReady: store.phase === "Ready",
    provisioningStartedAt: new Date("2026-01-01T00:05:00Z"),
    ...extra,
  });
}

describe("observe (live store)", () => {
  const store = storeRow({ phase: "Provisioning" });

  it.each<[string, (d: ReturnType<typeof desiredFor>) => NamespaceState | undefined, string]>([
    ["no namespace", () => undefined, "NamespaceMissing"],
    ["labels removed", (d) => healthyNamespace(d, { labels: {} }), "NamespaceDrifted"],
    ["terminating", (d) => healthyNamespace(d, { phase: "Terminating" }), "NamespaceTerminating"],
    ["quota missing", (d) => healthyNamespace(d, { guardrails: {} }), "GuardrailsDrifted"],
    [
      "quota changed",
      (d) =>
        healthyNamespace(d, {
          guardrails: { ...d.expectedGuardrails, "ResourceQuota/storeplane-quota": "other" },
        }),
      "GuardrailsDrifted",
    ],
    [
      "secret missing before install",
      (d) => healthyNamespace(d, { secrets: [], releases: [] }),
      "SecretsMissing",
    ],
    [
      "secret missing, first install stranded pending",
      (d) =>
        healthyNamespace(d, {
          secrets: [],
          releases: [
            {
              name: "store",
              namespace: d.namespace,
              revision: 1,
              status: "pending-install",
              valuesDigest: null,
            },
          ],
        }),
      "SecretsMissing",
    ],
    [
      "secret deleted after install (never regenerated)",
      (d) => healthyNamespace(d, { secrets: [] }),
      "SecretLost",
    ],
    ["release absent", (d) => healthyNamespace(d, { releases: [] }), "ReleaseAbsent"],
    [
      "release failed",
      (d) =>
        healthyNamespace(d, {
          releases: [
            {
              name: "store",
              namespace: d.namespace,
              revision: 2,
              status: "failed",
              valuesDigest: d.release.valuesDigest,
            },
          ],
        }),
      "ReleaseFailed",
    ],
    [
      "digest differs",
      (d) =>
        healthyNamespace(d, {
          releases: [
            {
              name: "store",
              namespace: d.namespace,
              revision: 1,
              status: "deployed",
              valuesDigest: "old",
            },
          ],
        }),
      "ReleaseOutOfDate",
    ],
    [
      "pending from a dead process",
      (d) =>
        healthyNamespace(d, {
          releases: [
            {
              name: "store",
              namespace: d.namespace,
              revision: 1,
              status: "pending-install",
              valuesDigest: null,
            },
          ],
        }),
      "ReleaseLocked",
    ],
    [
      "workloads not ready",
      (d) =>
        healthyNamespace(d, {
          workloads: [
            {
              kind: "Deployment",
              name: "store-wordpress",
              namespace: d.namespace,
              desiredReplicas: 1,
              readyReplicas: 0,
            },
            {
              kind: "StatefulSet",
              name: "store-mariadb",
              namespace: d.namespace,
              desiredReplicas: 1,
              readyReplicas: 1,
            },
          ],
        }),
      "WorkloadsProgressing",
    ],
    ["all done", (d) => healthyNamespace(d), "Ready"],
  ])("%s → %s", (_title, ns, kind) => {
    expect(run(store, ns).state.kind).toBe(kind);
  });

  it("a lingering Warning event does not make a ready store unready", () => {
    const obs = run(store, (d) =>
      healthyNamespace(d, {
        events: [
          {
            namespace: d.namespace,
            type: "Warning",
            reason: "FailedMount",
            message:
              'MountVolume.SetUp failed for volume "creds": secret "store-credentials" not found',
            involvedKind: "Pod",
            involvedName: "wordpress-1",
            lastSeen: null,
          },
        ],
      }),
    );
    expect(obs.state.kind).toBe("Ready");
    expect(obs.conditions.find((c) => c.type === "WorkloadsReady")?.status).toBe("True");
  });

  it("a running restore: state Restoring (no action, so no helm), scaled-down app not a failure, no deadline", () => {
    const ready = storeRow({ phase: "Restoring" });
    const obs = run(
      ready,
      (d) =>
        healthyNamespace(d, {
          workloads: d.workloads.map((name) => ({
            kind: "Deployment" as const,
            name,
            namespace: d.namespace,
            desiredReplicas: 0,
            readyReplicas: 0,
          })),
        }),
      {
        restoring: { backupId: "b-1", kind: "restore" },
        // Long past the provisioning deadline: a restore is not held to it.
        provisioningStartedAt: new Date("2025-12-01T00:00:00Z"),
      },
    );
    expect(obs.state).toEqual({
      kind: "Restoring",
      reason: "Restoring from backup b-1: the app is scaled to zero until the restore Job is done",
    });
    expect(plan(obs.state)).toBeNull();
    const workloads = obs.conditions.find((c) => c.type === "WorkloadsReady");
    expect(workloads).toMatchObject({ status: "False", reason: "Restoring" });
    expect(workloads?.problem).toBeUndefined();
    // Without the restore, the same view is a store whose app is down, past its deadline.
    const after = run(ready, (d) =>
      healthyNamespace(d, {
        workloads: d.workloads.map((name) => ({
          kind: "Deployment" as const,
          name,
          namespace: d.namespace,
          desiredReplicas: 0,
          readyReplicas: 0,
        })),
      }),
    );
    expect(after.state.kind).not.toBe("Restoring");
  });

  describe("suspended", () => {
    const suspended = storeRow({ phase: "Ready", suspended: true });
    const workload = (name: string, desiredReplicas: number, readyReplicas: number) => ({
      kind: "Deployment" as const,
      name,
      namespace: "store-shop",
      desiredReplicas,
      readyReplicas,
    });

    it.each([
      [
        "still running",
        [workload("store-wordpress", 1, 1), workload("store-mariadb", 1, 1)],
        "WorkloadsProgressing",
        "ScalingDown",
      ],
      [
        "scaled down, pod still ready",
        [
          workload("store-wordpress", 0, 1),
          workload("store-mariadb", 0, 1),
          workload("store-paused", 1, 1),
        ],
        "WorkloadsProgressing",
        "ScalingDown",
      ],
      [
        "scaled down, paused page not up",
        [
          workload("store-wordpress", 0, 0),
          workload("store-mariadb", 0, 0),
          workload("store-paused", 1, 0),
        ],
        "WorkloadsProgressing",
        "PausedPageStarting",
      ],
      [
        "scaled down, paused page up",
        [
          workload("store-wordpress", 0, 0),
          workload("store-mariadb", 0, 0),
          workload("store-paused", 1, 1),
        ],
        "Suspended",
        "ScaledToZero",
      ],
    ])("%s → %s (%s)", (_label, workloads, kind, reason) => {
      const obs = run(suspended, (d) => healthyNamespace(d, { workloads, jobs: [] }));
      expect(obs.state.kind).toBe(kind);
      expect(obs.conditions.find((c) => c.type === "WorkloadsReady")?.reason).toBe(reason);
    });

    it("is never DeadlineExceeded once settled", () => {
      const obs = run(
        suspended,
        (d) =>
          healthyNamespace(d, {
            workloads: [
              workload("store-wordpress", 0, 0),
              workload("store-mariadb", 0, 0),
              workload("store-paused", 1, 1),
            ],
            jobs: [],
          }),
        { provisioningStartedAt: new Date("2025-12-01T00:00:00Z") },
      );
      expect(obs.state.kind).toBe("Suspended");
    });
  });

  it("a workload the chart renders but the namespace lacks (kubectl delete) is WorkloadsMissing, and plan reinstalls", () => {
    const obs = run(store, (d) =>
      healthyNamespace(d, {
        workloads: healthyNamespace(d).workloads.filter((w) => w.name !== "store-wordpress"),
      }),
    );
    expect(obs.state.kind).toBe("WorkloadsMissing");
    expect(obs.state.reason).toContain("store-wordpress deleted outside the platform");
    expect(obs.conditions.find((c) => c.type === "WorkloadsReady")?.status).toBe("False");
    expect(plan(obs.state)).toBe("install-release");
  });

  it("a job that has not completed keeps the store progressing", () => {
    const obs = run(store, (d) =>
      healthyNamespace(d, {
        jobs: [
          {
            name: "setup",
            namespace: d.namespace,
            active: 1,
            succeeded: 0,
            failed: 0,
            complete: false,
            failedReason: null,
            failedMessage: null,
          },
        ],
      }),
    );
    expect(obs.state.kind).toBe("WorkloadsProgressing");
  });

  it("a pending release at the start of a look is always one left by a dead process: locked", () => {
    // A replica runs one pass per store at a time, and a pass ends only after
    // its helm exits: a pending release seen by observe is never its own.
    const obs = run(store, (d) =>
      healthyNamespace(d, {
        releases: [
          {
            name: "store",
            namespace: d.namespace,
            revision: 1,
            status: "pending-install",
            valuesDigest: null,
          },
        ],
      }),
    );
    expect(obs.state.kind).toBe("ReleaseLocked");
  });

  it("reports every step as a condition, and Ready summarises the first blocking one", () => {
    const obs = run(store, (d) => healthyNamespace(d, { secrets: [] }));
    expect(obs.conditions.map((c) => [c.type, c.status])).toEqual([
      ["NamespaceReady", "True"],
      ["GuardrailsReady", "True"],
      ["SecretsReady", "False"],
      ["ReleaseReady", "True"],
      ["WorkloadsReady", "True"],
    ]);
    expect(summarize(obs.conditions)).toMatchObject({ status: "False", reason: "SecretLost" });
  });

  it("past the deadline, a store that is not ready is DeadlineExceeded with the readers' reason", () => {
    const obs = run(
      store,
      (d) =>
        healthyNamespace(d, {
          workloads: [
            {
              kind: "Deployment",
              name: "store-wordpress",
              namespace: d.namespace,
              desiredReplicas: 1,
              readyReplicas: 0,
            },
            {
              kind: "StatefulSet",
              name: "store-mariadb",
              namespace: d.namespace,
              desiredReplicas: 1,
              readyReplicas: 1,
            },
          ],
          pods: [
            {
              name: "wordpress-1",
              namespace: d.namespace,
              phase: "Pending",
              ready: false,
              owner: "wordpress",
              unschedulableMessage: null,
              createdAt: null,
              containers: [
                {
                  name: "wordpress",
                  image: "wordpress:nope",
                  ready: false,
                  restartCount: 0,
                  waitingReason: "ImagePullBackOff",
                  waitingMessage: "Back-off pulling image",
                  lastTerminatedReason: null,
                },
              ],
            },
          ],
        }),
      { provisioningDeadlineMs: 60_000 },
    );
    expect(obs.state.kind).toBe("DeadlineExceeded");
    expect(obs.state.reason).toContain('ImagePullBackOff: image "wordpress:nope"');
  });

  it("a Failed store of the current generation stays Failed, unless it healed", () => {
    const failed = storeRow({
      phase: "Failed",
      generation: 2,
      observed_generation: 2,
      last_error: "boom",
    });
    expect(run(failed, (d) => healthyNamespace(d, { secrets: [] })).state).toEqual({
      kind: "Failed",
      reason: "boom",
    });
    expect(run(failed, (d) => healthyNamespace(d)).state.kind).toBe("Ready");
  });
});

describe("observe (deletion)", () => {
  const deleting = storeRow({
    phase: "Deleting",
    deletion_requested_at: new Date("2026-01-01T00:09:00Z"),
  });

  it.each<[string, (d: ReturnType<typeof desiredFor>) => NamespaceState | undefined, string]>([
    ["release still there", (d) => healthyNamespace(d), "DeletingRelease"],
    [
      "release gone, namespace active",
      (d) => healthyNamespace(d, { releases: [] }),
      "DeletingNamespace",
    ],
    [
      "namespace terminating",
      (d) => healthyNamespace(d, { releases: [], phase: "Terminating" }),
      "WaitingNamespaceGone",
    ],
    ["namespace gone", () => undefined, "Gone"],
  ])("%s → %s", (_title, ns, kind) => {
    expect(run(deleting, ns).state.kind).toBe(kind);
  });

  it("a namespace terminating past the threshold is reported with what holds it", () => {
    const obs = run(
      deleting,
      (d) =>
        healthyNamespace(d, {
          releases: [],
          workloads: [],
          jobs: [],
          phase: "Terminating",
          pvcs: [
            {
              name: "data-mariadb-0",
              namespace: d.namespace,
              phase: "Terminating",
              finalizers: ["kubernetes.io/pvc-protection"],
            },
          ],
        }),
      { namespaceStuckMs: 30_000 },
    );
    expect(obs.state).toMatchObject({ kind: "WaitingNamespaceGone", overdue: true });
    expect(obs.state.reason).toContain(
      'PersistentVolumeClaim "data-mariadb-0" is Terminating (finalizers: kubernetes.io/pvc-protection)',
    );
    expect(obs.conditions[0]).toMatchObject({
      type: "NamespaceReady",
      reason: "NamespaceStuckTerminating",
    });
  });
});

describe("observe (rollback and fresh upgrades)", () => {
  const releaseWith = (
    d: ReturnType<typeof desiredFor>,
    status: "deployed" | "failed",
    digest: string,
  ) =>
    healthyNamespace(d, {
      releases: [
        { name: "store", namespace: d.namespace, revision: 4, status, valuesDigest: digest },
      ],
    });

  it("a store sent back by a rollout whose release runs another version: RollbackRequested → rollback-release", () => {
    const store = storeRow({
      phase: "Ready",
      chart_version: "0.1.0",
      rollback_chart_version: "0.1.0",
    });
    for (const status of ["deployed", "failed"] as const) {
      const obs = run(store, (d) => releaseWith(d, status, "digest-of-0.2.0"));
      expect(obs.state.kind).toBe("RollbackRequested");
      expect(plan(obs.state)).toBe("rollback-release");
    }
  });

  it("without a rollback request, or once the release matches, no rollback", () => {
    const plain = storeRow({ phase: "Ready", chart_version: "0.1.0" });
    expect(run(plain, (d) => releaseWith(d, "deployed", "other")).state.kind).toBe(
      "ReleaseOutOfDate",
    );
    const asked = storeRow({
      phase: "Ready",
      chart_version: "0.1.0",
      rollback_chart_version: "0.1.0",
    });
    expect(run(asked, (d) => healthyNamespace(d)).state.kind).toBe("Ready");
    // A request for another version than the one assigned is stale: an ordinary upgrade.
    const stale = storeRow({
      phase: "Ready",
      chart_version: "0.1.0",
      rollback_chart_version: "0.0.9",
    });
    expect(run(stale, (d) => releaseWith(d, "deployed", "other")).state.kind).toBe(
      "ReleaseOutOfDate",
    );
  });

  it("right after this pass's own upgrade, the ready workloads in view are not taken for the new revision's", () => {
    const store = storeRow({ phase: "Ready" });
    const obs = run(store, (d) => healthyNamespace(d), { workloadsUnread: true });
    expect(obs.state.kind).toBe("WorkloadsProgressing");
    expect(obs.conditions.find((c) => c.type === "WorkloadsReady")).toMatchObject({
      status: "False",
      reason: "ReleaseApplied",
    });
  });
});
