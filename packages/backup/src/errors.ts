// Object-store failures as classified errors (docs/decisions/005-error-classes.md):
// the class is chosen here, where the S3 answer is recognised, so the controller
// knows whether a failed backup is worth retrying. Messages name the endpoint,
// bucket and key; never credentials (the SDK's error objects can carry request
// headers, so only their name, status and message are kept).
import { ClassifiedError, type ErrorClass } from "@storeplane/k8s/error-class";

export type ObjectStoreErrorKind =
  | "Unreachable"
  | "AccessDenied"
  | "NoSuchBucket"
  | "NoSuchKey"
  | "ChecksumMismatch"
  | "ObjectStoreFailed";

const CLASS_OF_KIND: Record<ObjectStoreErrorKind, ErrorClass> = {
  // Network down, DNS, refused connection, 5xx, throttling: the same call may work later.
  Unreachable: "transient",
  // Wrong credentials or bucket policy: retrying unchanged cannot help.
  AccessDenied: "terminal",
  NoSuchBucket: "terminal",
  NoSuchKey: "terminal",
  // The bytes are not the ones the backup recorded: never restore them.
  ChecksumMismatch: "terminal",
  // An S3 answer no rule knows (a 4xx): stop and tell a person.
  ObjectStoreFailed: "terminal",
};

export class ObjectStoreError extends ClassifiedError {
  override readonly name = "ObjectStoreError";
  readonly kind: ObjectStoreErrorKind;
  readonly errorClass: ErrorClass;
  readonly conditionReason: string;

  constructor(kind: ObjectStoreErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.kind = kind;
    this.errorClass = CLASS_OF_KIND[kind];
    this.conditionReason = `ObjectStore${kind}`;
  }
}

// Node's socket error codes for "nobody answered" (libuv names), as seen on
// the `cause` chain of a failed fetch or http request.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const e = current as SdkLikeError;
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === "TimeoutError" || e.name === "AbortError") return e.name;
    current = e.cause;
  }
  return undefined;
}

export interface ErrorContext {
  endpoint: string;
  bucket: string;
  key?: string;
  operation: string;
}

// The SDK's errors carry the whole HTTP exchange ($response, signed request
// headers): the cause kept is a slim copy with the name, code and message only.
function slimCause(error: unknown): Error {
  const e = (error ?? {}) as SdkLikeError;
  const slim = new Error(e.message ?? String(error));
  slim.name = e.name ?? "Error";
  const code = networkCode(error) ?? e.code;
  if (code) Object.assign(slim, { code });
  return slim;
}

/** Turns whatever the AWS SDK threw into an ObjectStoreError carrying its class. */
export function objectStoreErrorFrom(error: unknown, context: ErrorContext): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const cause = slimCause(error);
  const e = (error ?? {}) as SdkLikeError;
  const where = `${context.operation} ${context.bucket}${context.key ? `/${context.key}` : ""} at ${context.endpoint}`;
  const code = networkCode(error);
  if (code) {
    return new ObjectStoreError(
      "Unreachable",
      `object store ${context.endpoint} unreachable (${code}) during ${where}; will retry`,
      { cause },
    );
  }
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? "Error";
  const detail = `${name}${status ? ` (HTTP ${status})` : ""}: ${e.message ?? ""}`.trim();
  if (name === "NoSuchBucket") {
    return new ObjectStoreError(
      "NoSuchBucket",
      `bucket ${context.bucket} does not exist at ${context.endpoint}`,
      { cause },
    );
  }
  if (name === "NoSuchKey" || name === "NotFound" || status === 404) {
    return new ObjectStoreError("NoSuchKey", `no object at ${where}`, { cause });
  }
  if (
    name === "AccessDenied" ||
    name === "InvalidAccessKeyId" ||
    name === "SignatureDoesNotMatch" ||
    status === 403 ||
    status === 401
  ) {
    return new ObjectStoreError(
      "AccessDenied",
      `object store refused ${where}: ${detail} (check the credentials Secret)`,
      { cause },
    );
  }
  if ((status !== undefined && (status >= 500 || status === 429)) || name === "SlowDown") {
    return new ObjectStoreError(
      "Unreachable",
      `object store ${context.endpoint} failed ${where}: ${detail}; will retry`,
      {
        cause,
      },
    );
  }
  return new ObjectStoreError("ObjectStoreFailed", `${where} failed: ${detail}`, { cause });
}
