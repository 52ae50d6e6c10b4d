// The domain subpath only: this module reaches browsers through the web forms.
import { ENGINES, PHASES, PLANS } from "@storeplane/db/domain";
import { z } from "zod";
import { inputObject, optionalBoolean, requiredString } from "./common.ts";
import { cursorSchema, pageLimitSchema } from "./pages.ts";

/**
 * Names that would collide with platform hosts (`<name>.<base domain>`),
 * well-known service names or Kubernetes' own namespaces (`store-<name>` is
 * safe, but a store called "kube-system" would still confuse people).
 */
export const RESERVED_STORE_NAMES: ReadonlySet<string> = new Set([
  "admin",
  "api",
  "app",
  "apps",
  "assets",
  "auth",
  "billing",
  "blog",
  "cdn",
  "console",
  "controller",
  "dashboard",
  "default",
  "docs",
  "ftp",
  "help",
  "imap",
  "ingress",
  "internal",
  "kube-node-lease",
  "kube-public",
  "kube-system",
  "localhost",
  "login",
  "mail",
  "metrics",
  "monitoring",
  "ns1",
  "ns2",
  "platform",
  "pop",
  "pop3",
  "postgres",
  "root",
  "smtp",
  "sso",
  "static",
  "status",
  "storage",
  "store",
  "storeplane",
  "stores",
  "support",
  "system",
  "www",
]);

export const STORE_NAME_MIN = 3;
export const STORE_NAME_MAX = 40;
const lengthRule = `must be ${STORE_NAME_MIN}–${STORE_NAME_MAX} characters`;

/** A DNS-1123 label (it becomes a host name and part of a namespace name), not reserved. */
export const storeNameSchema = requiredString()
  .min(STORE_NAME_MIN, lengthRule)
  .max(STORE_NAME_MAX, lengthRule)
  .regex(/^[a-z0-9-]*$/, "may contain only lowercase letters, digits and '-'")
  .regex(/^[a-z]/, "must start with a lowercase letter")
  .regex(/[a-z0-9]$/, "must end with a lowercase letter or digit")
  .refine((name) => !name.includes("--"), "must not contain '--'")
  .refine((name) => !RESERVED_STORE_NAMES.has(name), "is reserved");

export const engineSchema = z.enum(ENGINES, {
  error: (issue) =>
    issue.input === undefined ? "is required" : `must be one of ${ENGINES.join(", ")}`,
});

export const planSchema = z.enum(PLANS, {
  error: (issue) =>
    issue.input === undefined ? "is required" : `must be one of ${PLANS.join(", ")}`,
});

export const idempotencyKeySchema = requiredString()
  .min(8, "must be 8–100 characters")
  .max(100, "must be 8–100 characters")
  .regex(/^[A-Za-z0-9._:-]+$/, "may contain only letters, digits and . _ : -");

export const createStoreInput = inputObject({
  name: storeNameSchema,
  engine: engineSchema,
  plan: planSchema.default("small"),
  idempotencyKey: idempotencyKeySchema.optional(),
  /** Refuse deletion until it is turned off again (default off). */
  deletionProtection: optionalBoolean(),
});
export type CreateStoreInput = z.input<typeof createStoreInput>;

/** A store by id, or by name (both are letters, digits and '-'). */
export const storeRefSchema = requiredString()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9-]*$/, "must be a store id or name");

export const storeRefInput = inputObject({ id: storeRefSchema });
export type StoreRefInput = z.infer<typeof storeRefInput>;

export const setDeletionProtectionInput = inputObject({
  id: storeRefSchema,
  enabled: z.boolean({
    error: (issue) => (issue.input === undefined ? "is required" : "must be true or false"),
  }),
});
export type SetDeletionProtectionInput = z.input<typeof setDeletionProtectionInput>;

export const phaseSchema = z.enum(PHASES, {
  error: () => `must be one of ${PHASES.join(", ")}`,
});

/** A name prefix to search by: what a store name may contain, at most a whole name. */
export const namePrefixSchema = requiredString()
  .max(STORE_NAME_MAX, `must be at most ${STORE_NAME_MAX} characters`)
  .regex(/^[a-z0-9-]*$/, "may contain only lowercase letters, digits and '-'");

/** A user by email or id (admins filtering by owner). */
export const ownerRefSchema = requiredString()
  .min(1, "is required")
  .max(254, "must be at most 254 characters")
  .regex(/^[^\s]+$/, "must be a user's email or id");

/** Filters and paging shared by `stores.list` and `admin.stores`. */
const storeListShape = {
  /** Also stores the controller has finished deleting. */
  includeDeleted: optionalBoolean(),
  engine: engineSchema.optional(),
  phase: phaseSchema.optional(),
  namePrefix: namePrefixSchema.optional(),
  /** `nextCursor` of the previous page. */
  cursor: cursorSchema.optional(),
  /** Stores per page (default 50, at most 200). */
  limit: pageLimitSchema.optional(),
};

export const listStoresInput = inputObject({
  /** Admins only: every user's stores. */
  all: optionalBoolean(),
  /** Admins only: one user's stores (email or id); implies `all`. */
  owner: ownerRefSchema.optional(),
  ...storeListShape,
}).default({});
export type ListStoresInput = z.input<typeof listStoresInput>;

export const adminListStoresInput = inputObject({
  /** One user's stores (email or id). */
  owner: ownerRefSchema.optional(),
  ...storeListShape,
  /** The admin list shows finished deletions unless told otherwise. */
  includeDeleted: z.boolean({ error: "must be true or false" }).default(true),
}).default({ includeDeleted: true });
export type AdminListStoresInput = z.input<typeof adminListStoresInput>;

export const adminListUsersInput = inputObject({
  /** Emails starting with this, case-insensitive. */
  emailPrefix: requiredString()
    .max(254, "must be at most 254 characters")
    .regex(/^[^\s]*$/, "must not contain spaces")
    .optional(),
  cursor: cursorSchema.optional(),
  limit: pageLimitSchema.optional(),
}).default({});
export type AdminListUsersInput = z.input<typeof adminListUsersInput>;

export const storeEventsInput = inputObject({
  id: storeRefSchema,
  /** Only events newer than this one (for live tails). */
  afterId: requiredString()
    .regex(/^\d{1,18}$/, "must be an event id")
    .optional(),
  limit: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(1, "must be between 1 and 500")
    .max(500, "must be between 1 and 500")
    .optional(),
});
export type StoreEventsInput = z.input<typeof storeEventsInput>;
