// The schedule every backup runner shares: one pass at a time, on an
// interval and on wake-up; a wake-up during a pass runs one more pass right
// after it (the request may have come too late for the running one), never
// two at once. The pass itself — which rows, which step — is the runner's.
import type { Logger } from "pino";

export interface PassRunner {
  /** One pass (or the one under way, plus one more); resolves when it is done. */
  runOnce(): Promise<void>;
  /** Run a pass soon (something was requested). */
  wake(): void;
  start(intervalMs: number): void;
  /** Stops the interval and waits for the pass under way. */
  stop(): Promise<void>;
}

export function createPassRunner(pass: () => Promise<void>, log: Logger, what: string): PassRunner {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;

  async function runOnce(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  const tick = () => {
    runOnce().catch((error) => log.error({ err: (error as Error).message }, `${what} pass failed`));
  };

  return {
    runOnce,
    wake: tick,
    start(intervalMs) {
      if (timer) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}
