// Building blocks for input schemas: messages name the rule in plain words;
// the field name is added by whoever shows them (the API's error formatter,
// or the form next to the field).
import { z } from "zod";

export function requiredString() {
  return z.string({
    error: (issue) => (issue.input === undefined ? "is required" : "must be a string"),
  });
}

/** Postgres text cannot hold NUL, and control characters have no business in names. */
export const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;

export function optionalBoolean() {
  return z.boolean({ error: "must be true or false" }).optional();
}

export function inputObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape, { error: "must be an object" });
}

/**
 * zod's issues as `{ field: [message] }` for forms and API errors: ONE message
 * per field, the first rule its value breaks (zod reports every failed check,
 * in the order the schema lists them, so "Bad_Name" would otherwise read as
 * three complaints about one name). Fix that one and the next shows.
 */
export function fieldErrorsFromIssues(
  issues: ReadonlyArray<{
    message: string;
    path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  }>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const key = (issue.path ?? [])
      .map((segment) =>
        typeof segment === "object" && segment !== null ? String(segment.key) : String(segment),
      )
      .join(".");
    const field = key || "input";
    out[field] ??= [issue.message];
  }
  return out;
}

/** The first rule a single value breaks, for inline messages beside one input. */
export function firstIssueMessage(error: z.ZodError): string | null {
  return error.issues[0]?.message ?? null;
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  return fieldErrorsFromIssues(error.issues);
}

/** For procedures without input: anything sent is refused rather than silently ignored. */
export const noInput = z.undefined({ error: "must be empty: this procedure takes no input" });
