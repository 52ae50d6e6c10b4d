import type { z } from "zod";
import { inputObject, NO_CONTROL_CHARACTERS, requiredString } from "./common.ts";

// Deliberately loose: one "@", something on each side, a dot in the domain.
// Deliverability is proven by use, not by a regex.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const emailSchema = requiredString()
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .regex(EMAIL_PATTERN, "must be a valid email address")
  .regex(NO_CONTROL_CHARACTERS, "must not contain control characters");

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export const passwordSchema = requiredString()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

export const signupInput = inputObject({ email: emailSchema, password: passwordSchema });
export type SignupInput = z.infer<typeof signupInput>;

/** Login checks only the shape: the length rules apply when a password is chosen. */
export const loginInput = inputObject({
  email: emailSchema,
  password: requiredString()
    .min(1, "is required")
    .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`),
});
export type LoginInput = z.infer<typeof loginInput>;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const uuidSchema = requiredString().regex(UUID_PATTERN, "must be a valid id");

/** Procedures that act on one row of the caller's own (sessions, tokens). */
export const idInput = inputObject({ id: uuidSchema });
export type IdInput = z.infer<typeof idInput>;
