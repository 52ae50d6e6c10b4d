// Level: unit. planBackup, table-driven: a backup row and its Job's state in,
// the next step out.
import type { JobState } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { backoffMs, DEFAULT_BACKUP_POLICY, planBackup } from "./plan-backup.ts";

const NOW = new Date("2026-12-02T03:00:00Z");
const job = (over: Partial<JobState>): JobState => ({
  name: "backup-x-1",
  namespace: "store-acme",
  active: 0,
  succeeded: 0,
  failed: 0,
  complete: false,
  failedReason: null,
  failedMessage: null,
  ...over,
});
const row = (
  status: "requested" | "running" | "succeeded" | "failed",
  attempts = 0,
  nextAttemptAt = NOW,
) => ({
  status,
  attempts,
  nextAttemptAt,
});

describe("planBackup", () => {
  it.each([
    ["a due request starts attempt 1", row("requested"), undefined, { step: "start", attempt: 1 }],
    [
      "a retry that is due starts the next attempt",
      row("requested", 2),
      undefined,
      { step: "start", attempt: 3 },
    ],
    [
      "a retry not due yet waits",
      row("requested", 1, new Date(NOW.getTime() + 30_000)),
      undefined,
      { step: "wait", until: new Date(NOW.getTime() + 30_000) },
    ],
    ["a running Job is waited for", row("running", 1), job({ active: 1 }), { step: "wait" }],
    [
      "a complete Job is recorded",
      row("running", 1),
      job({ succeeded: 1, complete: true }),
      { step: "record" },
    ],
    [
      "a finished backup needs nothing",
      row("succeeded", 1),
      job({ complete: true }),
      { step: "none" },
    ],
    ["a failed backup needs nothing", row("failed", 5), undefined, { step: "none" }],
  ])("%s", (_name, state, jobState, expected) => {
    expect(planBackup(state, jobState, NOW)).toEqual(expected);
  });

  it("retries a failed Job with backoff and says why", () => {
    const step = planBackup(
      row("running", 1),
      job({
        failed: 1,
        failedReason: "BackoffLimitExceeded",
        failedMessage: "Job has reached the specified backoff limit",
      }),
      NOW,
    );
    expect(step).toEqual({
      step: "retry",
      retryAt: new Date(NOW.getTime() + 60_000),
      reason:
        "the backup Job failed (BackoffLimitExceeded: Job has reached the specified backoff limit); retrying at 2026-12-02T03:01:00.000Z",
    });
  });

  it("retries a Job that disappeared", () => {
    expect(planBackup(row("running", 2), undefined, NOW)).toMatchObject({
      step: "retry",
      reason: expect.stringMatching(/^the backup Job is gone/),
    });
  });

  it("gives up after the last attempt", () => {
    expect(
      planBackup(row("running", 5), job({ failed: 1, failedReason: "DeadlineExceeded" }), NOW),
    ).toEqual({
      step: "fail",
      reason: "the backup Job failed (DeadlineExceeded); gave up after 5 attempts",
    });
  });

  it("doubles the backoff per attempt up to the cap", () => {
    expect([1, 2, 3, 4, 10].map((a) => backoffMs(a, DEFAULT_BACKUP_POLICY))).toEqual([
      60_000, 120_000, 240_000, 480_000, 3_600_000,
    ]);
  });
});
