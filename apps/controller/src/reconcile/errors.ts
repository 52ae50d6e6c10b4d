// Control flow as values (after Flux's helm-controller): a pass ends in
// exactly one of these, and errors are classified once, here, as transient
// (retry with backoff) or terminal (the store is Failed until a manual retry).

export type PassResult =
  /** Nothing went wrong; look again after this long (drift check, progress). */
  | { kind: "requeue-after"; afterMs: number; reason: string }
  /** A transient error: failure_count + 1, next look after the backoff. */
  | { kind: "retry-with-backoff"; reason: string; error: Error }
  /** Retrying cannot help: the store is Failed until someone retries it. */
  | { kind: "terminal"; reason: string; error: Error }
  /** The store is gone; no status to write, no requeue. */
  | { kind: "deleted" };

/** An error a retry cannot fix (bad chart, missing chart, invalid object). */
export class TerminalError extends Error {
  override readonly name = "TerminalError";
  constructor(
    readonly reason: string,
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
  transient: boolean;
  /** CamelCase reason for conditions, events and the failures metric. */
  reason: string;
  message: string;
}

// Kinds from packages/k8s that retrying cannot fix. Everything else is worth
// another try: the provisioning deadline bounds how long a store keeps trying.
const TERMINAL_KUBE_CODES = new Set(["Invalid"]);
const TERMINAL_HELM_KINDS = new Set(["ChartInvalid"]);

function field(err: unknown, key: string): unknown {
  return err && typeof err === "object" && key in err
    ? (err as Record<string, unknown>)[key]
    : undefined;
}

export function classifyError(error: unknown): Classified {
  const inner = error instanceof ActionError ? error.cause : error;
  const message = error instanceof Error ? error.message : String(error);
  if (inner instanceof TerminalError) return { transient: false, reason: inner.reason, message };
  const name = field(inner, "name");
  // KubeError: closed set of codes with a `transient` flag.
  if (name === "KubeError") {
    const code = String(field(inner, "code"));
    return { transient: !TERMINAL_KUBE_CODES.has(code), reason: `Kube${code}`, message };
  }
  // HelmError and subclasses: `kind` and `transient`. ReleaseLocked is
  // retried: the next pass sees the pending release and unlocks it.
  const kind = field(inner, "kind");
  if (typeof kind === "string" && typeof field(inner, "transient") === "boolean") {
    return { transient: !TERMINAL_HELM_KINDS.has(kind), reason: `Helm${kind}`, message };
  }
  if (name === "AbortError") return { transient: true, reason: "Aborted", message };
  return { transient: true, reason: "UnexpectedError", message };
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
