// One zod schema per form, used on both sides: the action parses the posted
// form with the API's own input schema, and the browser runs the same schema
// for inline messages before anything is sent.
import { fieldErrorsOf } from "@storeplane/api/schemas";
import type { z } from "zod";

export type FieldErrors = Record<string, string[] | undefined>;

export interface FormResult {
  fieldErrors?: FieldErrors;
  formError?: string | null;
}

export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  values: Record<string, unknown>,
): { ok: true; data: z.output<S> } | { ok: false; fieldErrors: Record<string, string[]> } {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  // One message per field: the first rule broken (the API answers the same).
  const fieldErrors = fieldErrorsOf(parsed.error);
  return { ok: false, fieldErrors };
}

/** Form values as strings, blank fields as absent (so "is required" reads right). */
export function formValues(formData: FormData, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = formData.get(field);
    if (typeof value === "string" && value !== "") out[field] = value;
  }
  return out;
}
