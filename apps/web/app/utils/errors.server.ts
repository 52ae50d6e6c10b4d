// Turns the API's errors into what a form shows: messages per field and one
// message for the whole form. Codes, not classes, are compared: in development
// Vite loads route modules in their own module graph, so `instanceof` across
// the server/route boundary is unreliable. zod issues become field messages
// through the API's own mapping, so a form and an API client read the same.
import { fieldErrorsFromIssues } from "@storeplane/api/schemas";

export interface FormErrors {
  fieldErrors: Record<string, string[]>;
  formError: string | null;
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

export function apiErrorCode(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  const code = (error as ErrorLike).code;
  return typeof code === "string" ? code : null;
}

export function isApiError(error: unknown, ...codes: string[]): boolean {
  const code = apiErrorCode(error);
  return code !== null && codes.includes(code) && (error as Error).name === "TRPCError";
}

export function formErrorsFrom(error: unknown, knownFields: readonly string[]): FormErrors {
  if (typeof error !== "object" || error === null || (error as Error).name !== "TRPCError") {
    throw error;
  }
  const code = apiErrorCode(error);
  if (code === "INTERNAL_SERVER_ERROR" || code === "UNAUTHORIZED") throw error;
  const cause = (error as ErrorLike).cause as
    | {
        fieldErrors?: Record<string, string[]>;
        issues?: Array<{ path?: PropertyKey[]; message: string }>;
      }
    | undefined;
  const fieldErrors: Record<string, string[]> = {
    ...(cause?.fieldErrors ?? {}),
    ...fieldErrorsFromIssues(cause?.issues ?? []),
  };
  const unplaced = Object.entries(fieldErrors).filter(([field]) => !knownFields.includes(field));
  const message = String((error as ErrorLike).message ?? "Something went wrong");
  const formError =
    Object.keys(fieldErrors).length === 0
      ? message
      : unplaced.length > 0
        ? unplaced.map(([field, messages]) => `${field}: ${messages.join(", ")}`).join("; ")
        : null;
  return { fieldErrors, formError };
}
