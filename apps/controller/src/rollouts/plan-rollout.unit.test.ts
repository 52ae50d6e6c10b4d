import { type Condition, DEFAULT_WAVES, waveOfEachStore, waveSizes } from "@storeplane/db";
import { describe, expect, it } from "vitest";
import {
  planRolloutStep,
  type RolloutStep,
  type RolloutStoreView,
  type RolloutView,
  type StoreStatusView,
} from "./plan-rollout.ts";

const T0 = new Date("2026-12-02T03:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const rollout: RolloutView = {
  state: "running",
  targetChartVersion: "0.3.0",
  waveDeadlineMs: 600_000,
  pauseMs: 60_000,
  maxUnavailable: 1_000,
};

function ready(generation: number): Condition {
  return {
    type: "Ready",
    status: "True",
    reason: "StoreReady",
    message: "the store answers",
    observedGeneration: generation,
    lastTransitionTime: T0.toISOString(),
  };
}

/** Ready on `version` at `generation`, as the controller writes it. */
function readyStatus(generation: number, version: string): StoreStatusView {
  return {
    phase: "Ready",
    conditions: [ready(generation)],
    generation,
    observedGeneration: generation,
    deployedChartVersion: version,
    lastError: null,
  };
}

/** `total` pending stores on 0.2.0, in the waves startRollout would give them. */
function pendingStores(total: number): RolloutStoreView[] {
  return waveOfEachStore(DEFAULT_WAVES, total).map((wave, i) => ({
    storeId: `s${i}`,
    wave,
    position: i,
    state: "pending",
    fromChartVersion: "0.2.0",
    assignedGeneration: null,
    startedAt: null,
    finishedAt: null,
    status: readyStatus(1, "0.2.0"),
  }));
}

/** Applies a step the way the repository does (assignment bumps generation). */
function apply(stores: RolloutStoreView[], step: RolloutStep, now: Date): RolloutStoreView[] {
  return stores.map((m) => {
    if (step.kind === "assign" && step.storeIds.includes(m.storeId)) {
      const generation = m.status.generation + 1;
      return {
        ...m,
        state: "upgrading",
        assignedGeneration: generation,
        startedAt: now,
        status: { ...m.status, generation },
      };
    }
    if (step.kind === "mark-succeeded" && step.storeIds.includes(m.storeId)) {
      return { ...m, state: "succeeded", finishedAt: now };
    }
    return m;
  });
}

/** The controller upgraded every assigned store: Ready on the new version. */
function controllerUpgrades(stores: RolloutStoreView[]): RolloutStoreView[] {
  return stores.map((m) =>
    m.state === "upgrading" ? { ...m, status: readyStatus(m.status.generation, "0.3.0") } : m,
  );
}

function upgrading(storeIndex: number, startedAt: Date, status: Partial<StoreStatusView>) {
  const stores = pendingStores(7);
  const member = stores[storeIndex];
  if (!member) throw new Error("no store");
  stores[storeIndex] = {
    ...member,
    state: "upgrading",
    assignedGeneration: 2,
    startedAt,
    status: { ...member.status, generation: 2, ...status },
  };
  return stores;
}

describe("wave sizes", () => {
  it.each([
    [1, [1]],
    [2, [1, 1]],
    [7, [1, 3, 3]],
    [10, [1, 4, 5]],
    [500, [1, 49, 200, 250]],
  ])("cuts %i stores into waves %j (canary, 10 %%, 50 %%, 100 %%)", (total, sizes) => {
    expect(waveSizes(DEFAULT_WAVES, total)).toEqual(sizes);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it("refuses a plan that does not end at 100 %, naming the field", () => {
    expect(() => waveSizes([{ stores: 1 }, { percent: 60 }], 10)).toThrow(
      "the last wave must be { percent: 100 }",
    );
    expect(() => waveSizes([{ stores: 0 }, { percent: 100 }], 10)).toThrow(
      "waves[0].stores must be a whole number of at least 1",
    );
  });
});

describe("planRolloutStep", () => {
  it.each([
    [1, 1_000, [1]],
    [7, 1_000, [1, 3, 3]],
    [500, 1_000, [1, 49, 200, 250]],
    [500, 20, [1, 49, 200, 250]],
  ])(
    "rolls %i stores (max unavailable %i) wave by wave: each assigned once, waves %j",
    (total, maxUnavailable, sizes) => {
      const plan = { ...rollout, maxUnavailable };
      let stores = pendingStores(total);
      let now = T0;
      const assignedPerWave = new Map<number, number>();
      const assignments = new Map<string, number>();
      let maxUpgrading = 0;
      let step = planRolloutStep(plan, stores, now);
      for (let pass = 0; step.kind !== "complete"; pass++) {
        if (pass > 10_000) throw new Error("the rollout never completed");
        if (step.kind === "assign") {
          const wave = step.wave;
          assignedPerWave.set(wave, (assignedPerWave.get(wave) ?? 0) + step.storeIds.length);
          for (const id of step.storeIds) assignments.set(id, (assignments.get(id) ?? 0) + 1);
          // No store of a later wave moves while an earlier one is unfinished.
          const earlierOpen = stores.some((m) => m.wave < wave && m.state !== "succeeded");
          expect(earlierOpen).toBe(false);
        } else if (step.kind === "wait") {
          now = step.until ?? new Date(now.getTime() + 1_000);
        } else if (step.kind !== "mark-succeeded") {
          throw new Error(`unexpected step ${JSON.stringify(step)}`);
        }
        stores = apply(stores, step, now);
        maxUpgrading = Math.max(maxUpgrading, stores.filter((m) => m.state === "upgrading").length);
        stores = controllerUpgrades(stores);
        step = planRolloutStep(plan, stores, now);
      }
      expect([...assignedPerWave.entries()].sort(([a], [b]) => a - b).map(([, n]) => n)).toEqual(
        sizes,
      );
      expect(assignments.size).toBe(total);
      expect([...assignments.values()].every((n) => n === 1)).toBe(true);
      expect(maxUpgrading).toBeLessThanOrEqual(maxUnavailable);
      expect(stores.every((m) => m.state === "succeeded")).toBe(true);
      // Three pauses between four waves (none before the canary).
      expect(now.getTime() - T0.getTime()).toBe((sizes.length - 1) * rollout.pauseMs);
    },
  );

  it("starts with exactly the canary", () => {
    expect(planRolloutStep(rollout, pendingStores(500), T0)).toEqual({
      kind: "assign",
      wave: 1,
      storeIds: ["s0"],
    });
  });

  it.each<[string, Partial<StoreStatusView>, number, RolloutStep]>([
    [
      "a canary that turns Failed halts the rollout with the store and the error",
      {
        phase: "Failed",
        observedGeneration: 2,
        lastError: "helm upgrade: ImagePullBackOff: wordpress:bad",
      },
      30,
      {
        kind: "halt",
        storeId: "s0",
        reason: "upgrade to 0.3.0 failed: helm upgrade: ImagePullBackOff: wordpress:bad",
      },
    ],
    [
      "a Stalled canary halts it",
      {
        phase: "Provisioning",
        observedGeneration: 2,
        conditions: [
          { ...ready(2), status: "False", reason: "Upgrading", message: "helm upgrade" },
          {
            ...ready(2),
            type: "Stalled",
            status: "True",
            reason: "ChartVersionMissing",
            message: "chart version 0.3.0 is not in this image",
          },
        ],
      },
      30,
      {
        kind: "halt",
        storeId: "s0",
        reason:
          "upgrade to 0.3.0 stalled: ChartVersionMissing: chart version 0.3.0 is not in this image",
      },
    ],
    [
      "a canary not Ready when the deadline expires halts it with the Ready reason",
      {
        phase: "Provisioning",
        observedGeneration: 2,
        conditions: [
          { ...ready(2), status: "False", reason: "WorkloadsNotReady", message: "0/1 pods ready" },
        ],
      },
      600,
      {
        kind: "halt",
        storeId: "s0",
        reason: "not Ready on 0.3.0 within 600s: WorkloadsNotReady: 0/1 pods ready",
      },
    ],
    [
      "a canary not Ready yet, before the deadline, is waited for until the deadline",
      { phase: "Provisioning", observedGeneration: 2, conditions: [] },
      599,
      { kind: "wait", why: "wave 1: waiting for its gate", until: at(600) },
    ],
    [
      "a Failed status from before the controller saw the assignment is stale: wait",
      { phase: "Failed", observedGeneration: 1, lastError: "an old error" },
      30,
      { kind: "wait", why: "wave 1: waiting for its gate", until: at(600) },
    ],
    [
      "a canary Ready on its OLD version for the new generation has not passed",
      { ...readyStatus(2, "0.2.0") },
      30,
      { kind: "wait", why: "wave 1: waiting for its gate", until: at(600) },
    ],
    [
      "a canary Ready on the new version passes the gate",
      readyStatus(2, "0.3.0"),
      30,
      { kind: "mark-succeeded", storeIds: ["s0"] },
    ],
  ])("%s", (_title, status, seconds, expected) => {
    const stores = upgrading(0, T0, status);
    const step = planRolloutStep(rollout, stores, at(seconds));
    expect(step).toEqual(expected);
    // Whatever the gate says, no other store is assigned meanwhile.
    expect(step.kind).not.toBe("assign");
  });

  it("waits the pause after a passed wave, then assigns the next wave", () => {
    let stores = pendingStores(7);
    stores = apply(stores, { kind: "assign", wave: 1, storeIds: ["s0"] }, T0);
    stores = apply(
      controllerUpgrades(stores),
      { kind: "mark-succeeded", storeIds: ["s0"] },
      at(40),
    );
    expect(planRolloutStep(rollout, stores, at(70))).toEqual({
      kind: "wait",
      why: "pause before wave 2",
      until: at(100),
    });
    expect(planRolloutStep(rollout, stores, at(100))).toEqual({
      kind: "assign",
      wave: 2,
      storeIds: ["s1", "s2", "s3"],
    });
  });

  it("never has more than max unavailable stores upgrading", () => {
    const plan = { ...rollout, maxUnavailable: 2, pauseMs: 0 };
    let stores = pendingStores(7);
    stores = apply(stores, { kind: "assign", wave: 1, storeIds: ["s0"] }, T0);
    stores = apply(controllerUpgrades(stores), { kind: "mark-succeeded", storeIds: ["s0"] }, T0);
    const first = planRolloutStep(plan, stores, T0);
    expect(first).toEqual({ kind: "assign", wave: 2, storeIds: ["s1", "s2"] });
    stores = apply(stores, first, T0);
    expect(planRolloutStep(plan, stores, at(1))).toEqual({
      kind: "wait",
      why: "wave 2: 2 stores unavailable (max 2)",
      until: at(600),
    });
  });

  it("does nothing while paused or aborted, and goes on where it was when resumed", () => {
    let stores = pendingStores(7);
    stores = apply(stores, { kind: "assign", wave: 1, storeIds: ["s0"] }, T0);
    stores = controllerUpgrades(stores);
    expect(planRolloutStep({ ...rollout, state: "paused" }, stores, at(10))).toEqual({
      kind: "idle",
      why: "rollout paused",
    });
    expect(planRolloutStep({ ...rollout, state: "aborted" }, stores, at(10))).toEqual({
      kind: "idle",
      why: "rollout aborted",
    });
    // Aborted: the pending stores are never assigned, however much time passes.
    expect(planRolloutStep({ ...rollout, state: "aborted" }, pendingStores(7), at(9_999))).toEqual({
      kind: "idle",
      why: "rollout aborted",
    });
    expect(planRolloutStep(rollout, stores, at(10))).toEqual({
      kind: "mark-succeeded",
      storeIds: ["s0"],
    });
  });

  it("records a finished rollback while halted, then stays idle; resumed, the failed store counts as done", () => {
    const stores = pendingStores(7);
    const canary = stores[0];
    if (!canary) throw new Error("no store");
    stores[0] = {
      ...canary,
      state: "failed",
      assignedGeneration: 2,
      startedAt: T0,
      finishedAt: at(600),
      status: readyStatus(3, "0.2.0"),
    };
    const halted = { ...rollout, state: "halted" as const };
    expect(planRolloutStep(halted, stores, at(610))).toEqual({
      kind: "mark-rolled-back",
      storeIds: ["s0"],
    });
    stores[0] = { ...(stores[0] as RolloutStoreView), state: "rolled-back" };
    expect(planRolloutStep(halted, stores, at(610))).toEqual({
      kind: "idle",
      why: "rollout halted",
    });
    expect(planRolloutStep(rollout, stores, at(700))).toEqual({
      kind: "assign",
      wave: 2,
      storeIds: ["s1", "s2", "s3"],
    });
  });

  it("is complete once every store finished, skipped ones included", () => {
    const stores = pendingStores(3).map((m, i) => ({
      ...m,
      state: i === 1 ? ("skipped" as const) : ("succeeded" as const),
      finishedAt: T0,
    }));
    expect(planRolloutStep(rollout, stores, T0)).toEqual({ kind: "complete" });
    const oneOpen = stores.map((m, i) => (i === 2 ? { ...m, state: "pending" as const } : m));
    expect(planRolloutStep({ ...rollout, pauseMs: 0 }, oneOpen, T0)).toEqual({
      kind: "assign",
      wave: 3,
      storeIds: ["s2"],
    });
  });
});

describe("the engine health check in the gate", () => {
  const healthy = { ok: true, path: "/health", status: 200, excerpt: "OK" };
  const failing = { ok: false, path: "/health", status: 500, excerpt: "database unreachable" };
  const readyCanary = (health: RolloutStoreView["health"]) => {
    const stores = upgrading(0, T0, readyStatus(2, "0.3.0"));
    stores[0] = { ...(stores[0] as RolloutStoreView), health };
    return stores;
  };

  it("a Ready store passes only when its health check passes (or its chart names none)", () => {
    for (const health of [healthy, null, undefined]) {
      expect(planRolloutStep(rollout, readyCanary(health), at(10))).toEqual({
        kind: "mark-succeeded",
        storeIds: ["s0"],
      });
    }
  });

  it("Ready but failing its health check: waits, then at the deadline halts naming the path and status", () => {
    expect(planRolloutStep(rollout, readyCanary(failing), at(10)).kind).toBe("wait");
    expect(planRolloutStep(rollout, readyCanary(failing), at(600))).toEqual({
      kind: "halt",
      storeId: "s0",
      reason:
        "Ready on 0.3.0, but its health check GET /health answered 500: database unreachable (still failing after 600s)",
    });
  });

  it("a health check the API server could not answer says so", () => {
    const unasked = {
      ok: false,
      path: "/wp-login.php",
      status: 0,
      excerpt: "connect ECONNREFUSED",
    };
    const step = planRolloutStep(rollout, readyCanary(unasked), at(600));
    expect(step).toMatchObject({ kind: "halt" });
    expect((step as { reason: string }).reason).toContain(
      "health check GET /wp-login.php could not be asked: connect ECONNREFUSED",
    );
  });
});
