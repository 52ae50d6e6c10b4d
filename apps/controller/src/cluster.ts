// Chooses the cluster. `kube` is the default; the simulated cluster runs only
// when CLUSTER=simulated is set explicitly, and says so loudly.
import { type Cluster, createHelm, createKubeCluster } from "@storeplane/k8s";
import { createSimulatedCluster, type SimulatedCluster } from "@storeplane/k8s/simulated";
import type { Logger } from "pino";
import type { ControllerConfig } from "./env.ts";

export function createCluster(
  config: Pick<ControllerConfig, "cluster" | "helmTimeoutSeconds" | "simulatedStateFile">,
  logger: Logger,
  helmSignal: AbortSignal,
  /**
   * A simulated cluster shared with an in-process dashboard (demo mode); a
   * private one otherwise, kept in `simulatedStateFile` when that is set.
   */
  simulated?: SimulatedCluster,
): Cluster {
  if (config.cluster === "simulated") {
    const stateFile = simulated ? null : (config.simulatedStateFile ?? null);
    logger.warn(
      { stateFile },
      stateFile
        ? "CLUSTER=simulated: acting on a SIMULATED cluster (test and demo tool) whose state is kept in a file — nothing reaches Kubernetes"
        : "CLUSTER=simulated: acting on an in-memory SIMULATED cluster (test and demo tool) — nothing reaches Kubernetes",
    );
    return (simulated ?? createSimulatedCluster(stateFile ? { stateFile } : {})).connect(
      "controller",
    );
  }
  return createKubeCluster({
    helm: createHelm({ logger }),
    logger,
    helmSignal,
    helmTimeoutSeconds: config.helmTimeoutSeconds,
  });
}
