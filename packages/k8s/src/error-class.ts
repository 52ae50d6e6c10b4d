// What a caller should do about a failure, decided where the failure is
// recognised (the Kubernetes client, the Helm wrapper, the controller's own
// checks) and nowhere else. The controller reads it through `instanceof
// ClassifiedError`; it never re-derives it from names, codes or messages.
// See docs/decisions/005-error-classes.md.

/**
 * - `transient`: the same call may succeed later unchanged (network, 5xx,
 *   throttling, timeouts): retry with backoff.
 * - `conflict`: someone else wrote first (HTTP 409): re-read and try again soon.
 * - `locked`: a Helm release is held by a pending operation: the next pass
 *   sees it and unlocks it.
 * - `terminal`: retrying cannot help until a person changes something (bad
 *   chart, invalid object, missing permission): stop and say so.
 */
export type ErrorClass = "transient" | "conflict" | "locked" | "terminal";

export abstract class ClassifiedError extends Error {
  abstract readonly errorClass: ErrorClass;
  /** CamelCase reason for conditions, events and metrics, e.g. `KubeForbidden`, `HelmTimeout`. */
  abstract readonly conditionReason: string;
  /** Worth retrying unchanged (transient, or a write conflict): kept for callers that ask only that. */
  get transient(): boolean {
    return this.errorClass === "transient" || this.errorClass === "conflict";
  }
}
