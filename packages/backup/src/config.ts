// The object store a platform writes backups to, as the platform chart's
// values describe it (endpoint, bucket, region, path-style) plus the
// credentials mounted from its Secret. Parsed once with zod so a bad value is
// refused with the field's name before any request is made.
import { z } from "zod";

export const objectStoreConfigSchema = z.object({
  endpoint: z
    .url({ protocol: /^https?$/, error: "endpoint must be an http:// or https:// URL" })
    .describe("S3 endpoint URL, e.g. https://s3.eu-central-1.amazonaws.com"),
  region: z.string().min(1).default("us-east-1"),
  bucket: z
    .string({ error: "bucket must be set" })
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "bucket must be an S3 bucket name (3-63 of a-z, 0-9, '.', '-')",
    ),
  /** Path-style URLs (`endpoint/bucket/key`): what most S3-compatible servers need. */
  forcePathStyle: z.boolean().default(true),
  /** Key prefix inside the bucket, so one bucket can serve several platforms. */
  prefix: z
    .string()
    .regex(/^([a-z0-9][a-z0-9._-]*\/)*$/, "prefix must be empty or folder names each ending in '/'")
    .default(""),
  accessKeyId: z.string({ error: "accessKeyId must be set" }).min(1, "accessKeyId must be set"),
  secretAccessKey: z
    .string({ error: "secretAccessKey must be set" })
    .min(1, "secretAccessKey must be set"),
  /** Connection timeout per attempt; an unreachable endpoint fails within attempts × this. */
  connectTimeoutMs: z.number().int().positive().default(5_000),
  maxAttempts: z.number().int().min(1).max(10).default(3),
});

export type ObjectStoreConfig = z.infer<typeof objectStoreConfigSchema>;
export type ObjectStoreConfigInput = z.input<typeof objectStoreConfigSchema>;

/** Validates a config; the error names each bad field (never echoing the secret). */
export function parseObjectStoreConfig(input: unknown): ObjectStoreConfig {
  const result = objectStoreConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join(".") || "config"}: ${issue.message}`,
  );
  throw new Error(`invalid object store config: ${problems.join("; ")}`);
}

/**
 * The config from environment variables, as the backup Job receives it
 * (endpoint and bucket from the platform chart's values, the keys from its
 * credentials Secret through `secretKeyRef`).
 */
export function objectStoreConfigFromEnv(env: NodeJS.ProcessEnv): ObjectStoreConfig {
  return parseObjectStoreConfig({
    endpoint: env.BACKUP_S3_ENDPOINT,
    region: env.BACKUP_S3_REGION || undefined,
    bucket: env.BACKUP_S3_BUCKET,
    forcePathStyle: env.BACKUP_S3_FORCE_PATH_STYLE
      ? env.BACKUP_S3_FORCE_PATH_STYLE === "true"
      : undefined,
    prefix: env.BACKUP_S3_PREFIX || undefined,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
  });
}
