// One helm process in the simulated cluster, in the order helm works: record
// the new revision first (a SIGKILL now leaves it pending-*), take the time
// the work takes, then finish it. Aborting (SIGTERM) is caught by helm, which
// records the revision failed; the wrapper reports "aborted" (helm/helm.ts).
// A crashed caller's process never finishes and never returns.
import { HelmFailed } from "../helm/errors.ts";
import { type Caller, never } from "./calls.ts";
import type { Clock } from "./clock.ts";

export interface HelmStep<T> {
  command: "upgrade" | "rollback";
  ms: number;
  signal?: AbortSignal;
  /** Writes the pending revision; returns what finishing needs. */
  start(): T;
  fail(started: T): void;
  finish(started: T): void;
}

export async function runHelmProcess<T>(
  clock: Clock,
  caller: Caller,
  save: () => void,
  step: HelmStep<T>,
): Promise<void> {
  const started = step.start();
  save();
  try {
    await clock.sleep(step.ms, step.signal);
  } catch (error) {
    step.fail(started);
    save();
    throw new HelmFailed("HelmFailed", `helm ${step.command} aborted before it finished`, {
      exitCode: 1,
      cause: error,
    });
  }
  if (caller.crashed) return never();
  step.finish(started);
  save();
}
