// TEST TOOL — the Status bodies the Kubernetes API server answers failures
// with, built the way k8s.io/apimachinery/pkg/api/errors/errors.go builds them
// (NewNotFound, NewAlreadyExists, NewConflict, NewApplyConflict,
// NewResourceExpired, NewInvalid, NewForbidden, NewBadRequest), so clients
// parse exactly what a real cluster sends: kind Status, apiVersion v1,
// metadata {}, status Failure, message, reason, details {name, group, kind,
// causes}, code. As in Go's omitempty JSON, empty detail fields are left out.

/** A group and resource, e.g. { group: "apps", resource: "deployments" }. */
export interface GroupResource {
  group: string;
  resource: string;
}

export interface StatusCause {
  type: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure";
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** An answer the fake sends back: HTTP status and its Status body. */
export class StatusError extends Error {
  constructor(readonly body: StatusBody) {
    super(body.message);
  }
  get code(): number {
    return this.body.code;
  }
}

function compact(details: StatusDetails): StatusDetails | undefined {
  const out: StatusDetails = {};
  if (details.name) out.name = details.name;
  if (details.group) out.group = details.group;
  if (details.kind) out.kind = details.kind;
  if (details.causes?.length) out.causes = details.causes;
  return Object.keys(out).length ? out : undefined;
}

export function statusBody(
  code: number,
  reason: string,
  message: string,
  details: StatusDetails = {},
): StatusBody {
  const d = compact(details);
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(d ? { details: d } : {}),
    code,
  };
}

/** schema.GroupResource.String(): "deployments.apps", or "secrets" for the core group. */
export function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

// errors.go puts the *resource* (not the Kind) into details.kind for these.
const resourceDetails = (gr: GroupResource, name: string): StatusDetails => ({
  name,
  group: gr.group,
  kind: gr.resource,
});

export const notFound = (gr: GroupResource, name: string) =>
  new StatusError(
    statusBody(404, "NotFound", `${qualified(gr)} "${name}" not found`, resourceDetails(gr, name)),
  );

export const alreadyExists = (gr: GroupResource, name: string) =>
  new StatusError(
    statusBody(
      409,
      "AlreadyExists",
      `${qualified(gr)} "${name}" already exists`,
      resourceDetails(gr, name),
    ),
  );

/** The optimistic-concurrency failure (storage.NewResourceVersionConflictsError → NewConflict). */
export const OBJECT_MODIFIED =
  "the object has been modified; please apply your changes to the latest version and try again";

export const conflict = (gr: GroupResource, name: string, reason: string) =>
  new StatusError(
    statusBody(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${reason}`,
      resourceDetails(gr, name),
    ),
  );

/** NewApplyConflict: only causes in the details, no name/group/kind. */
export const applyConflict = (causes: StatusCause[], message: string) =>
  new StatusError(statusBody(409, "Conflict", message, { causes }));

/** NewResourceExpired: 410 Gone with reason Expired and no details. */
export const expired = (message: string) => new StatusError(statusBody(410, "Expired", message));

/** NewInvalid: the Kind (not the resource) names the object; one cause per field error. */
export function invalid(
  kind: { group: string; kind: string },
  name: string,
  errors: StatusCause[],
): StatusError {
  const qualifiedKind = kind.group ? `${kind.kind}.${kind.group}` : kind.kind;
  const list = errors.map((e) => `${e.field}: ${e.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
  return new StatusError(
    statusBody(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${summary}`, {
      name,
      group: kind.group,
      kind: kind.kind,
      causes: errors,
    }),
  );
}

export function forbidden(
  gr: GroupResource,
  name: string,
  why: string,
  causes: StatusCause[] = [],
): StatusError {
  const message = name
    ? `${qualified(gr)} "${name}" is forbidden: ${why}`
    : `${qualified(gr)} is forbidden: ${why}`;
  return new StatusError(
    statusBody(403, "Forbidden", message, { ...resourceDetails(gr, name), causes }),
  );
}

export const badRequest = (message: string) =>
  new StatusError(statusBody(400, "BadRequest", message));

export const methodNotAllowed = (method: string) =>
  new StatusError(
    statusBody(
      405,
      "MethodNotAllowed",
      `the server does not allow this method on the requested resource (${method})`,
    ),
  );
