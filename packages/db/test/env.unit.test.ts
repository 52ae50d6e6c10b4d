// Level: unit. The one DATABASE_URL / PGLITE_DATA_DIR parser.
import { describe, expect, it } from "vitest";
import { describeEnvIssues, readDatabaseEnv } from "../src/env.ts";

describe("readDatabaseEnv", () => {
  it("gives each CLUSTER mode its own default embedded database", () => {
    expect(readDatabaseEnv({}, { cwd: "/repo" })).toEqual({
      url: undefined,
      dataDir: "/repo/.data/pglite",
    });
    expect(readDatabaseEnv({}, { cwd: "/repo", mode: "kube" }).dataDir).toBe("/repo/.data/pglite");
    expect(readDatabaseEnv({}, { cwd: "/repo", mode: "simulated" }).dataDir).toBe(
      "/repo/.data/pglite-simulated",
    );
  });

  it("PGLITE_DATA_DIR overrides the default, relative to cwd; empty strings count as unset", () => {
    const env = readDatabaseEnv(
      { PGLITE_DATA_DIR: "var/db", DATABASE_URL: "" },
      { cwd: "/repo", mode: "simulated" },
    );
    expect(env).toEqual({ url: undefined, dataDir: "/repo/var/db" });
  });

  it("accepts postgres:// and postgresql:// URLs", () => {
    for (const url of ["postgres://u:p@db:5432/sp", "postgresql://db/sp"]) {
      expect(readDatabaseEnv({ DATABASE_URL: url }).url).toBe(url);
    }
  });

  it("refuses anything else, naming the field and the rule but never echoing the value", () => {
    for (const url of ["mysql://u:hunter2@db/sp", "postgres://", "hunter2"]) {
      let message = "";
      try {
        readDatabaseEnv({ DATABASE_URL: url });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(message).not.toContain("hunter2");
    }
  });
});

describe("describeEnvIssues", () => {
  it("names each field with its rule on one line, and leaves a message that already names its field alone", () => {
    expect(
      describeEnvIssues([
        { path: ["PORT"], message: "expected a number" },
        { path: ["CLUSTER"], message: 'CLUSTER must be one of "kube", "simulated"' },
        { path: [], message: "nothing set" },
      ]),
    ).toBe('PORT: expected a number; CLUSTER must be one of "kube", "simulated"; nothing set');
  });
});
