// Domain errors and the one place they become tRPC errors.
//
// Routers and services throw these typed errors; `toTRPCError` maps them to
// codes, applied by a middleware on every procedure. The mapping:
//
//   NotFoundError          → NOT_FOUND            (also another user's store: never FORBIDDEN)
//   ConflictError          → CONFLICT             (a live store name is taken, idempotency key reused)
//   QuotaExceededError     → PRECONDITION_FAILED  ("quota: you already have 5 of 5 stores")
//   InvalidStateError      → PRECONDITION_FAILED  (retry of a store that is not Failed)
//   DeletionProtectedError → PRECONDITION_FAILED  ("deletionProtection is on: turn it off before deleting")
//   ClusterNotConnectedError → PRECONDITION_FAILED ("cluster not connected: …")
//   UnauthorizedError      → UNAUTHORIZED         (no, unknown, revoked or expired credentials)
//   ForbiddenError         → FORBIDDEN            (admin-only procedures, sign-ups disabled)
//   RateLimitedError       → TOO_MANY_REQUESTS    ("… try again in 12s")
//   FieldValidationError   → BAD_REQUEST          (with fieldErrors, like zod input errors)
//
// Quotas and cluster availability are PRECONDITION_FAILED: the request is
// valid and allowed, but the platform's state does not permit it now.
import { TRPCError } from "@trpc/server";

export type DomainErrorCode =
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "TOO_MANY_REQUESTS"
  | "BAD_REQUEST";

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** Messages per input field, merged into the error's `data.fieldErrors`. */
  readonly fieldErrors: Record<string, string[]> | undefined;

  constructor(message: string, fieldErrors?: Record<string, string[]>) {
    super(message);
    this.name = new.target.name;
    this.fieldErrors = fieldErrors;
  }
}

export class NotFoundError extends DomainError {
  readonly code = "NOT_FOUND";
}
export class ConflictError extends DomainError {
  readonly code = "CONFLICT";
}
export class QuotaExceededError extends DomainError {
  readonly code = "PRECONDITION_FAILED";
}
export class InvalidStateError extends DomainError {
  readonly code = "PRECONDITION_FAILED";
}
/** A delete of a store whose deletionProtection flag is on; the message names the flag and the way out. */
export class DeletionProtectedError extends DomainError {
  readonly code = "PRECONDITION_FAILED";
  constructor(storeName: string) {
    super(`deletionProtection is on: turn it off before deleting store "${storeName}"`);
  }
}
export class ClusterNotConnectedError extends DomainError {
  readonly code = "PRECONDITION_FAILED";
  constructor(reason: string) {
    super(`cluster not connected: ${reason}`);
  }
}
export class UnauthorizedError extends DomainError {
  readonly code = "UNAUTHORIZED";
}
export class ForbiddenError extends DomainError {
  readonly code = "FORBIDDEN";
}
export class RateLimitedError extends DomainError {
  readonly code = "TOO_MANY_REQUESTS";
  readonly retryAfterSeconds: number;
  constructor(what: string, retryAfterSeconds: number) {
    super(`${what}: too many requests, try again in ${retryAfterSeconds}s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
export class FieldValidationError extends DomainError {
  readonly code = "BAD_REQUEST";
  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`, { [field]: [rule] });
  }
}

/** The same message for a missing store and someone else's store. */
export function storeNotFound(idOrName: string): NotFoundError {
  return new NotFoundError(`store not found: ${idOrName}`);
}

export function toTRPCError(error: unknown): TRPCError | undefined {
  const domain =
    error instanceof DomainError
      ? error
      : error instanceof TRPCError && error.cause instanceof DomainError
        ? error.cause
        : undefined;
  if (!domain) return undefined;
  return new TRPCError({ code: domain.code, message: domain.message, cause: domain });
}

// Field errors from a zod (or any Standard Schema) issue list, keyed by dotted
// path: one message per field, the first rule broken, as the forms show them.
export { fieldErrorsFromIssues } from "./schemas/common.ts";

/** One line naming each field and its rules: "name: must be 3–40 characters; plan: …". */
export function summarizeFieldErrors(fieldErrors: Record<string, string[]>): string {
  return Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages.join(", ")}`)
    .join("; ");
}
