// Control flow as values (after Flux's helm-controller): a pass ends in
// exactly one of these. Errors arrive already classified (see
// packages/k8s/src/error-class.ts); this module only reads the class.
import { ClassifiedError, type ErrorClass } from "@storeplane/k8s";

export type PassResult =
  /** Nothing went wrong; look again after this long (drift check, progress). */
  | { kind: "requeue-after"; afterMs: number; reason: string }
  /** A transient error: failure_count + 1, next look after the backoff. */
  | { kind: "retry-with-backoff"; reason: string; error: Error }
  /** Retrying cannot help: the store is Failed until someone retries it. */
  | { kind: "terminal"; reason: string; error: Error }
  /** The store is gone; no status to write, no requeue. */
  | { kind: "deleted" };

/** An error a retry cannot fix, found by the controller itself (a chart missing from the image). */
export class TerminalError extends ClassifiedError {
  override readonly name = "TerminalError";
  readonly errorClass = "terminal";
  constructor(
    readonly conditionReason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Wraps an action's error with what was being done, keeping the cause. */
export class ActionError extends Error {
  override readonly name = "ActionError";
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    super(`${action}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface Classified {
  errorClass: ErrorClass;
  /** CamelCase reason for conditions, events and the failures metric. */
  reason: string;
  message: string;
}

/**
 * The class an error was given where it was created (packages/k8s for the
 * cluster and helm, TerminalError here). An error nobody classified is treated
 * as transient: the provisioning deadline bounds how long it keeps trying.
 * `aborted` says the pass itself was cancelled (shutdown, claim lost): whatever
 * the interrupted call then threw says nothing about the store.
 */
export function classifyError(error: unknown, aborted = false): Classified {
  const inner = error instanceof ActionError ? error.cause : error;
  const message = error instanceof Error ? error.message : String(error);
  if (aborted) return { errorClass: "transient", reason: "Aborted", message };
  if (inner instanceof ClassifiedError)
    return { errorClass: inner.errorClass, reason: inner.conditionReason, message };
  return { errorClass: "transient", reason: "UnexpectedError", message };
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * Capped exponential backoff with jitter in [½, 1] of the step, so replicas
 * retrying many stores at once spread out but never retry sooner than half
 * the nominal step.
 */
export function backoffDelay(
  failureCount: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failureCount - 1));
  return Math.round(exp * (0.5 + 0.5 * random()));
}

/** ±20% around the interval, so Ready stores do not all come due together. */
export function jittered(intervalMs: number, random: () => number = Math.random): number {
  return Math.round(intervalMs * (0.8 + 0.4 * random()));
}
