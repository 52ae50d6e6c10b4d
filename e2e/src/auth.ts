// A token for the typed client: the one given, or a fresh account's. On a fresh
// platform the first sign-up is the admin; otherwise E2E_EMAIL/E2E_PASSWORD log
// in (and sign up with those once, when no such account exists yet: the CI
// workflow runs several suites as one admin on a fresh cluster).
import { clientErrorCode, createClient } from "@storeplane/api/client";
import type { E2EConfig } from "./config.ts";

export async function obtainToken(config: E2EConfig, log: (line: string) => void): Promise<string> {
  if (config.token) return config.token;
  const anonymous = createClient({ url: config.url });
  let sessionToken: string;
  if (config.email && config.password) {
    log(`logging in as ${config.email}`);
    const credentials = { email: config.email, password: config.password };
    try {
      sessionToken = (await anonymous.auth.login.mutate(credentials)).sessionToken;
    } catch (error) {
      if (clientErrorCode(error) !== "UNAUTHORIZED") throw error;
      log(`no account ${config.email} yet: signing up`);
      sessionToken = (await anonymous.auth.signup.mutate(credentials)).sessionToken;
    }
  } else {
    const email = `e2e+${config.runId}@example.com`;
    const password = `e2e-${crypto.randomUUID()}`;
    log(`signing up ${email}`);
    try {
      sessionToken = (await anonymous.auth.signup.mutate({ email, password })).sessionToken;
    } catch (error) {
      if (clientErrorCode(error) === "FORBIDDEN") {
        throw new Error(
          "sign-ups are closed on this platform: set STOREPLANE_TOKEN, or E2E_EMAIL and E2E_PASSWORD",
        );
      }
      throw error;
    }
  }
  const session = createClient({ url: config.url, token: sessionToken });
  const { token } = await session.tokens.create.mutate({ name: `e2e-${config.runId}` });
  return token;
}
