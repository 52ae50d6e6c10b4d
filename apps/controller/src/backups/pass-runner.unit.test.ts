// Level: unit. The backup, restore and verify runners' shared schedule.
import pino from "pino";
import { expect, it } from "vitest";
import { createPassRunner } from "./pass-runner.ts";

const log = pino({ level: "silent" });

it("a wake-up during a pass runs exactly one more pass after it, never two at once", async () => {
  let active = 0;
  let maxActive = 0;
  let passes = 0;
  let release: () => void = () => undefined;
  const runner = createPassRunner(
    async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      passes++;
      if (passes === 1) await new Promise<void>((r) => (release = r));
      active--;
    },
    log,
    "test",
  );
  const first = runner.runOnce();
  runner.wake();
  runner.wake();
  release();
  await first;
  expect(passes).toBe(2);
  expect(maxActive).toBe(1);
});

it("a failing pass is logged, and the next one still runs", async () => {
  let calls = 0;
  const runner = createPassRunner(
    async () => {
      calls++;
      if (calls === 1) throw new Error("API down");
    },
    log,
    "test",
  );
  await expect(runner.runOnce()).rejects.toThrow("API down");
  await runner.runOnce();
  expect(calls).toBe(2);
  await runner.stop();
});
