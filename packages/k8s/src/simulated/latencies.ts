// How long things take in the simulated cluster. Defaults read like a small
// real cluster; FAST_LATENCIES lets whole lifecycles run in tests on the real clock.
export interface SimulatedLatencies {
  /** Per API call (snapshot, apply, secrets, namespaces). */
  apiCallMs: number;
  helmInstallMs: number;
  helmUninstallMs: number;
  helmUnlockMs: number;
  /** From a pod's creation to Running and ready. */
  workloadsReadyMs: number;
  /** From the setup Job's creation to Complete. */
  jobCompleteMs: number;
  /** From namespace deletion to the namespace controller emptying it. */
  namespaceTerminationMs: number;
}

export const DEFAULT_LATENCIES: SimulatedLatencies = {
  apiCallMs: 5,
  helmInstallMs: 200,
  helmUninstallMs: 100,
  helmUnlockMs: 50,
  workloadsReadyMs: 1_000,
  jobCompleteMs: 800,
  namespaceTerminationMs: 500,
};

/** Fast settings for tests that run whole lifecycles on the real clock. */
export const FAST_LATENCIES: SimulatedLatencies = {
  apiCallMs: 1,
  helmInstallMs: 10,
  helmUninstallMs: 5,
  helmUnlockMs: 5,
  workloadsReadyMs: 40,
  jobCompleteMs: 30,
  namespaceTerminationMs: 30,
};
