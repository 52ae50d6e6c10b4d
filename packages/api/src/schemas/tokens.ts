import { z } from "zod";
import { inputObject, NO_CONTROL_CHARACTERS, requiredString } from "./common.ts";

export const tokenNameSchema = requiredString()
  .trim()
  .min(1, "is required")
  .max(60, "must be at most 60 characters")
  .regex(NO_CONTROL_CHARACTERS, "must not contain control characters");

export const createTokenInput = inputObject({
  name: tokenNameSchema,
  /** Days until the token stops working; no expiry when absent. */
  expiresInDays: z
    .number({ error: "must be a number" })
    .int("must be a whole number of days")
    .min(1, "must be between 1 and 3650 days")
    .max(3650, "must be between 1 and 3650 days")
    .optional(),
});
export type CreateTokenInput = z.infer<typeof createTokenInput>;
