// Level: unit. The dashboard's environment uses the platform's one CLUSTER
// vocabulary and the one DATABASE_URL parser (packages/k8s, packages/db).
import { describe, expect, it } from "vitest";
import { readWebEnv as readWebEnvFrom } from "./env.server.ts";

/** A partial environment (NODE_ENV deliberately unset). */
const readWebEnv = (env: Record<string, string>) =>
  readWebEnvFrom(env as unknown as NodeJS.ProcessEnv);

describe("readWebEnv", () => {
  it("CLUSTER is kube or simulated, each with its own default embedded database", () => {
    const kube = readWebEnv({});
    expect(kube.CLUSTER).toBe("kube");
    expect(kube.database.dataDir).toMatch(/\/\.data\/pglite$/);
    const simulated = readWebEnv({ CLUSTER: "simulated" });
    expect(simulated.database.dataDir).toMatch(/\/\.data\/pglite-simulated$/);
  });

  it("refuses the old word none, naming CLUSTER and the allowed values", () => {
    expect(() => readWebEnv({ CLUSTER: "none" })).toThrow(
      'CLUSTER must be one of kube, simulated (got "none")',
    );
  });

  it("parses DATABASE_URL like every other process, without echoing it", () => {
    expect(readWebEnv({ DATABASE_URL: "postgresql://db/sp" }).database.url).toBe(
      "postgresql://db/sp",
    );
    expect(() => readWebEnv({ DATABASE_URL: "mysql://u:hunter2@db/sp" })).toThrow(
      /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });
});
