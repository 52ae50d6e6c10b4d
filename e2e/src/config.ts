// The suite's settings, read once from the environment.
export interface E2EConfig {
  /** The dashboard (tRPC at /api/trpc). */
  url: string;
  /** An API token; without one the suite signs up (first account) or logs in with email/password. */
  token: string | undefined;
  email: string | undefined;
  password: string | undefined;
  /** Time allowed for each store to become Ready, and for deletion to finish. */
  readyTimeoutMs: number;
  deleteTimeoutMs: number;
  /** Leave the stores in place after a failure, for debugging. */
  keepOnFailure: boolean;
  /** Suffix for the store names, so parallel runs do not collide. */
  runId: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): E2EConfig {
  const minutes = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${name} must be a positive number of minutes`);
    return value * 60_000;
  };
  return {
    url: env.STOREPLANE_URL ?? "http://dashboard.localhost",
    token: env.STOREPLANE_TOKEN || undefined,
    email: env.E2E_EMAIL || undefined,
    password: env.E2E_PASSWORD || undefined,
    readyTimeoutMs: minutes("E2E_READY_TIMEOUT_MINUTES", 15),
    deleteTimeoutMs: minutes("E2E_DELETE_TIMEOUT_MINUTES", 5),
    keepOnFailure: env.E2E_KEEP === "1",
    runId: (env.E2E_RUN_ID ?? Date.now().toString(36).slice(-5)).toLowerCase(),
  };
}
