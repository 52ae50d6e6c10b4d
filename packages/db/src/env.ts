// The database slice of the environment, parsed once.
import { resolve } from "node:path";
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL")
    .optional(),
  PGLITE_DATA_DIR: z.string().optional(),
});

export interface DatabaseEnv {
  url: string | undefined;
  /** Where the embedded database persists when there is no DATABASE_URL. */
  dataDir: string;
}

export function readDatabaseEnv(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): DatabaseEnv {
  const parsed = schema.parse({
    DATABASE_URL: env.DATABASE_URL || undefined,
    PGLITE_DATA_DIR: env.PGLITE_DATA_DIR || undefined,
  });
  return {
    url: parsed.DATABASE_URL,
    dataDir: resolve(cwd, parsed.PGLITE_DATA_DIR ?? ".data/pglite"),
  };
}
