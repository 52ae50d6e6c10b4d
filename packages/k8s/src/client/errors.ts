// Every failure of a Kubernetes call becomes one of a closed set of codes, so
// the controller can decide "retry later" vs "give up" without knowing about
// HTTP, node-fetch or client-node internals.
import { ApiException } from "@kubernetes/client-node";

export type KubeErrorCode =
  | "NotFound"
  | "Conflict"
  | "Forbidden"
  | "Unauthorized"
  | "Invalid"
  | "TooManyRequests"
  | "Unavailable"
  | "Timeout";

// Conflict is transient: a 409 on update/apply means someone else wrote first,
// and the next pass re-reads. (AlreadyExists on create is handled by callers.)
const TRANSIENT: ReadonlySet<KubeErrorCode> = new Set([
  "Conflict",
  "TooManyRequests",
  "Unavailable",
  "Timeout",
]);

export class KubeError extends Error {
  override readonly name = "KubeError";
  readonly code: KubeErrorCode;
  readonly transient: boolean;
  /** HTTP status when the API server answered, else null (network, timeout). */
  readonly status: number | null;
  /** `reason` of the Kubernetes Status body (e.g. AlreadyExists), when present. */
  readonly reason: string | null;

  constructor(
    code: KubeErrorCode,
    message: string,
    opts: { status?: number | null; reason?: string | null; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.transient = TRANSIENT.has(code);
    this.status = opts.status ?? null;
    this.reason = opts.reason ?? null;
  }
}

export function isKubeError(err: unknown, code?: KubeErrorCode): err is KubeError {
  return err instanceof KubeError && (code === undefined || err.code === code);
}

function codeForStatus(status: number): KubeErrorCode {
  if (status === 400 || status === 422) return "Invalid";
  if (status === 401) return "Unauthorized";
  if (status === 403) return "Forbidden";
  if (status === 404 || status === 410) return "NotFound";
  if (status === 409) return "Conflict";
  if (status === 429) return "TooManyRequests";
  if (status === 504 || status === 408) return "Timeout";
  return "Unavailable";
}

interface StatusBody {
  message?: string;
  reason?: string;
}

// client-node 1.x hands us the raw body text for non-2xx answers; only the
// Status fields are kept (the full exception message also dumps headers).
function parseStatusBody(body: unknown): StatusBody {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (value && typeof value === "object") {
    const { message, reason } = value as Record<string, unknown>;
    return {
      message: typeof message === "string" ? message : undefined,
      reason: typeof reason === "string" ? reason : undefined,
    };
  }
  return {};
}

function errorName(err: unknown): string {
  return err && typeof err === "object" && "name" in err ? String(err.name) : "";
}

function errorCode(err: unknown): string {
  return err && typeof err === "object" && "code" in err ? String(err.code) : "";
}

/** Map anything thrown by a client-node call to a KubeError, keeping the cause. */
export function toKubeError(err: unknown, what: string): KubeError {
  if (err instanceof KubeError) return err;
  if (err instanceof ApiException) {
    const status = err.code;
    const body = parseStatusBody(err.body);
    const code = codeForStatus(status);
    // client-node drops the body of a 401, so that one gets a plain sentence.
    const detail =
      body.message ??
      (status === 401 ? "the API server rejected our credentials (HTTP 401)" : `HTTP ${status}`);
    return new KubeError(code, `${what}: ${code}: ${detail}`, {
      status,
      reason: body.reason ?? null,
      cause: err,
    });
  }
  const name = errorName(err);
  const message = err instanceof Error ? err.message : String(err);
  // node-fetch raises AbortError when our per-call timeout signal fires.
  if (name === "AbortError" || name === "TimeoutError") {
    return new KubeError("Timeout", `${what}: Timeout: no answer from the API server in time`, {
      cause: err,
    });
  }
  const sysCode = errorCode(err);
  const detail = sysCode ? `${sysCode} ${message}` : message;
  return new KubeError("Unavailable", `${what}: Unavailable: ${detail}`, { cause: err });
}
