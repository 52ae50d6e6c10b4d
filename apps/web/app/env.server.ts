// The web app's slice of the environment, parsed once (STYLE.md): only
// server.ts reads it; everything else receives plain values.
import { type DatabaseEnv, describeEnvIssues, readDatabaseEnv } from "@storeplane/db";
import { clusterModeSchema } from "@storeplane/k8s";
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Signs CSRF tokens. Random per process when unset (forms then expire on restart). */
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * The hops allowed to set X-Forwarded-* (proxy-addr syntax: addresses, CIDRs,
   * "loopback", "uniquelocal"…): the ingress controller's. Unset: none, so a
   * client cannot choose its own address or rate-limit bucket.
   */
  TRUST_PROXY: z.string().optional(),
  /** Interface to listen on: loopback unless set (the image sets 0.0.0.0). */
  HOST: z.string().optional(),
  /** The dashboard's public URL (https://dashboard.example.com): the only origin allowed to post. */
  DASHBOARD_URL: z.string().url().optional(),
  /**
   * "kube" reads the kubeconfig (or the in-cluster service account);
   * "simulated" pairs this dashboard with a controller on the simulated cluster
   * (a test and demo tool): labelled as such, with no cluster reads.
   */
  CLUSTER: clusterModeSchema,
});

export type WebEnv = z.infer<typeof schema> & {
  /** DATABASE_URL / PGLITE_DATA_DIR, parsed by packages/db (the one parser). */
  database: DatabaseEnv;
};

export function readWebEnv(env: NodeJS.ProcessEnv = process.env): WebEnv {
  const blankAsUnset = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === "" ? undefined : env[key]]),
  );
  const result = schema.safeParse(blankAsUnset);
  if (!result.success) {
    // One line per field, naming it and the rule (messages that name their field stand alone).
    throw new Error(describeEnvIssues(result.error.issues));
  }
  const parsed = result.data;
  return { ...parsed, database: readDatabaseEnv(env, { mode: parsed.CLUSTER }) };
}
