// Bounded history, applied by the controller: every interval (jittered, so
// replicas drift apart) prune store events past the window except each
// store's newest, and audit rows past theirs. Idempotent: two replicas
// pruning at once only repeat each other's work. A failure is logged and the
// next run tries again; it never stops the controller.
import { type DatabaseHandle, pruneAuditLog, pruneStoreEvents } from "@storeplane/db";
import type { Logger } from "pino";

export interface RetentionConfig {
  /** 0 turns retention off. */
  intervalMs: number;
  eventDays: number;
  eventsKeepPerStore: number;
  auditDays: number;
}

const DAY_MS = 86_400_000;

export async function applyRetention(
  handle: DatabaseHandle,
  config: RetentionConfig,
  now = Date.now(),
): Promise<{ events: number; audit: number }> {
  const events = await pruneStoreEvents(handle.db, {
    before: new Date(now - config.eventDays * DAY_MS),
    keepPerStore: config.eventsKeepPerStore,
  });
  const audit = await pruneAuditLog(handle.db, {
    before: new Date(now - config.auditDays * DAY_MS),
  });
  return { events, audit };
}

/** Starts the periodic pruning; returns a stop function. */
export function startRetention(
  handle: DatabaseHandle,
  config: RetentionConfig,
  logger: Logger,
): () => void {
  if (config.intervalMs <= 0) return () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(run, config.intervalMs * (0.8 + Math.random() * 0.4));
    timer.unref?.();
  };
  const run = async () => {
    const started = Date.now();
    try {
      const deleted = await applyRetention(handle, config);
      logger.info({ deleted, ms: Date.now() - started }, "history retention applied");
    } catch (error) {
      logger.warn({ err: error }, "history retention failed; trying again next interval");
    }
    schedule();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
