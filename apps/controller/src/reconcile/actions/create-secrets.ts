// The store's credentials: generated once with strong randomness, created in
// the store's namespace only, never regenerated, never logged, never in Postgres.
import { randomBytes } from "node:crypto";
import { STORE_SECRET_KEYS } from "../../k8s.ts";
import type { Action } from "./types.ts";

function token(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

export function generateStoreCredentials(host: string): Record<string, string> {
  return {
    [STORE_SECRET_KEYS.adminUsername]: `admin-${randomBytes(3).toString("hex")}`,
    [STORE_SECRET_KEYS.adminPassword]: token(24),
    [STORE_SECRET_KEYS.adminEmail]: `admin@${host}`,
    [STORE_SECRET_KEYS.databasePassword]: token(24),
    [STORE_SECRET_KEYS.databaseRootPassword]: token(24),
    [STORE_SECRET_KEYS.jwtSecret]: token(48),
    [STORE_SECRET_KEYS.cookieSecret]: token(48),
  };
}

export const createSecrets: Action = async (ctx) => {
  const { desired } = ctx;
  if (!ctx.namespace) throw new Error("create-secrets needs the namespace first");
  const host = new URL(desired.storeUrl).host;
  const { created } = await ctx.cluster.ensureSecret(
    desired.namespace,
    desired.secretName,
    desired.secretLabels,
    () => generateStoreCredentials(host),
  );
  return {
    namespace: {
      ...ctx.namespace,
      secrets: [...new Set([...ctx.namespace.secrets, desired.secretName])],
    },
    event: created
      ? {
          type: "Normal",
          reason: "SecretsCreated",
          message: `Secret ${desired.secretName} generated`,
        }
      : {
          type: "Normal",
          reason: "SecretsFound",
          message: `Secret ${desired.secretName} already existed; kept as is`,
        },
  };
};
