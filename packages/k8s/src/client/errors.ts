// Every failure of a Kubernetes call becomes one of a closed set of codes, each
// with its error class, so the controller can decide "retry later" vs "give up"
// without knowing about HTTP, node-fetch or client-node internals.
import { ApiException } from "@kubernetes/client-node";
import { ClassifiedError, type ErrorClass } from "../error-class.ts";

export type KubeErrorCode =
  | "NotFound"
  | "Conflict"
  | "Forbidden"
  | "Unauthorized"
  | "Invalid"
  | "TooManyRequests"
  | "Unavailable"
  | "Timeout";

// A 409 on update/apply means someone else wrote first: re-read and retry
// (AlreadyExists on create is handled by callers). A 401/403 is a credential or
// RBAC problem that no retry fixes until an operator does; 400/422 is an object
// the API server will refuse every time. NotFound is usually the namespace going
// away under us, which the next pass repairs.
const CLASS_OF_CODE: Record<KubeErrorCode, ErrorClass> = {
  NotFound: "transient",
  Conflict: "conflict",
  Forbidden: "terminal",
  Unauthorized: "terminal",
  Invalid: "terminal",
  TooManyRequests: "transient",
  Unavailable: "transient",
  Timeout: "transient",
};

export class KubeError extends ClassifiedError {
  override readonly name = "KubeError";
  readonly code: KubeErrorCode;
  readonly errorClass: ErrorClass;
  readonly conditionReason: string;
  /** HTTP status when the API server answered, else null (network, timeout). */
  readonly status: number | null;
  /** `reason` of the Kubernetes Status body (e.g. AlreadyExists), when present. */
  readonly reason: string | null;

  constructor(
    code: KubeErrorCode,
    message: string,
    opts: {
      status?: number | null;
      reason?: string | null;
      cause?: unknown;
      /** Overrides the code's class when the API server said more (see toKubeError). */
      errorClass?: ErrorClass;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.errorClass = opts.errorClass ?? CLASS_OF_CODE[code];
    this.conditionReason = `Kube${code}`;
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
  causes?: string[];
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
    const { message, reason, details } = value as Record<string, unknown>;
    const causes = (details as { causes?: unknown } | undefined)?.causes;
    return {
      message: typeof message === "string" ? message : undefined,
      reason: typeof reason === "string" ? reason : undefined,
      causes: Array.isArray(causes)
        ? causes.map((c) => String((c as { type?: unknown })?.type ?? ""))
        : undefined,
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
      // The namespace lifecycle admission plugin answers 403 with the cause
      // NamespaceTerminating while a namespace is being deleted
      // (kubernetes plugin/pkg/admission/namespace/lifecycle/admission.go):
      // not a permission problem, it passes once the namespace is gone.
      errorClass: body.causes?.includes("NamespaceTerminating") ? "transient" : undefined,
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
