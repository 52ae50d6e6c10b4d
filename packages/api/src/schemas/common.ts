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

/** zod's issues as `{ field: [messages] }` for forms. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join(".") || "input";
    const list = out[field] ?? [];
    if (!list.includes(issue.message)) list.push(issue.message);
    out[field] = list;
  }
  return out;
}

/** For procedures without input: anything sent is refused rather than silently ignored. */
export const noInput = z.undefined({ error: "must be empty: this procedure takes no input" });
