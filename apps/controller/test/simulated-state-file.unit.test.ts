// Level: unit. SIMULATED_CLUSTER_STATE_FILE: accepted only with
// CLUSTER=simulated, and handed through createCluster to the simulated
// cluster, which keeps its state there. (Beside the SIGKILL test that relies
// on it; env's own table is in src/env.unit.test.ts.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { persistedNamespaces, readSimulatedClusterState } from "@storeplane/k8s/simulated";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../src/cluster.ts";
import { readControllerConfig } from "../src/env.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("SIMULATED_CLUSTER_STATE_FILE", () => {
  it("is off by default and refused, with a clear message, unless CLUSTER=simulated", () => {
    expect(readControllerConfig({}).simulatedStateFile).toBeNull();
    expect(
      readControllerConfig({ CLUSTER: "simulated", SIMULATED_CLUSTER_STATE_FILE: "/tmp/x.json" })
        .simulatedStateFile,
    ).toBe("/tmp/x.json");
    expect(() => readControllerConfig({ SIMULATED_CLUSTER_STATE_FILE: "/tmp/x.json" })).toThrow(
      /SIMULATED_CLUSTER_STATE_FILE is only for CLUSTER=simulated/,
    );
    expect(() =>
      readControllerConfig({ CLUSTER: "kube", SIMULATED_CLUSTER_STATE_FILE: "/tmp/x.json" }),
    ).toThrow(/CLUSTER=kube/);
  });

  it("reaches the simulated cluster through createCluster, which still announces itself loudly", async () => {
    dir = mkdtempSync(join(tmpdir(), "ctrl-state-"));
    const stateFile = join(dir, "cluster.json");
    const lines: string[] = [];
    const logger = pino({}, { write: (line: string) => lines.push(line) });
    const config = readControllerConfig({
      CLUSTER: "simulated",
      SIMULATED_CLUSTER_STATE_FILE: stateFile,
    });
    const cluster = createCluster(config, logger, new AbortController().signal);
    expect(cluster.mode).toBe("simulated");
    expect(lines.join("")).toContain("SIMULATED cluster");
    expect(lines.join("")).toContain(stateFile);
    await cluster.ensureNamespace({ name: "store-a", labels: {} });
    const saved = readSimulatedClusterState(stateFile);
    expect(saved && persistedNamespaces(saved)).toEqual(["store-a"]);

    // A second process on the same file finds the namespace.
    const again = createCluster(config, logger, new AbortController().signal);
    expect([...(await again.snapshot()).namespaces.keys()]).toEqual(["store-a"]);
  });
});
