// The database slice of the environment, parsed once, for every process (the
// dashboard, the controller, `npm run dev`, the migrate job): the one place
// DATABASE_URL and PGLITE_DATA_DIR are read.
import { resolve } from "node:path";
import { z } from "zod";
import { defaultPgliteDataDir } from "./database-mode.ts";

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/[^/]/,
      "DATABASE_URL must be a postgres:// or postgresql:// URL (postgres://user:pass@host:5432/db)",
    )
    .refine((url) => URL.canParse(url), "DATABASE_URL must be a valid URL")
    .optional(),
  PGLITE_DATA_DIR: z.string().optional(),
});

export interface DatabaseEnv {
  url: string | undefined;
  /** Where the embedded database persists when there is no DATABASE_URL. */
  dataDir: string;
}

export interface ReadDatabaseEnvOptions {
  /** Relative paths (PGLITE_DATA_DIR and its default) are resolved against this. */
  cwd?: string;
  /** The CLUSTER mode: each has its own default PGLITE_DATA_DIR. */
  mode?: string;
}

/**
 * A process's configuration errors as one line: each field with its rule (a
 * message that already names its field stands alone). Every process (web,
 * controller, dev) reports its environment this way.
 */
export function describeEnvIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  return issues
    .map((i) => {
      const field = i.path.map(String).join(".");
      return !field || i.message.startsWith(field) ? i.message : `${field}: ${i.message}`;
    })
    .join("; ");
}

export function readDatabaseEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: ReadDatabaseEnvOptions = {},
): DatabaseEnv {
  const parsed = schema.safeParse({
    DATABASE_URL: env.DATABASE_URL || undefined,
    PGLITE_DATA_DIR: env.PGLITE_DATA_DIR || undefined,
  });
  // The message names the field and the rule, never the value (it holds a password).
  if (!parsed.success) throw new Error(describeEnvIssues(parsed.error.issues));
  const cwd = options.cwd ?? process.cwd();
  return {
    url: parsed.data.DATABASE_URL,
    dataDir: resolve(
      cwd,
      parsed.data.PGLITE_DATA_DIR ?? defaultPgliteDataDir(options.mode ?? "kube"),
    ),
  };
}
