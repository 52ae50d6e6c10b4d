// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// the fake Kubernetes API server, driven by the REAL KubeCluster
// (client-node over HTTP); helm and the cluster's controllers are the
// fakeapi-level doubles of packages/k8s/src/testing/fake-api-cluster.ts.
// The scenarios are the same table as lifecycle.sim.test.ts (scenarios.ts).
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { FakeApiCluster } from "@storeplane/k8s/testing";
import { afterEach, beforeEach, it } from "vitest";
import { SCENARIOS, type ScenarioCluster } from "./scenarios.ts";

function scenarioCluster(c: FakeApiCluster): ScenarioCluster {
  return {
    connect: (id) => c.connect(id),
    crash: (id) => c.crash(id),
    failImagePull: (ns, image) => c.failImagePull(ns, image),
    clearImagePullFailure: (ns) => c.clearImagePullFailure(ns),
    strandRelease: (ns, release, status) => c.strandRelease(ns, release, status),
    deleteObjectBehindTheBack: (ns, kind, name) => c.deleteObjectBehindTheBack(ns, kind, name),
    holdNamespaceTermination: (ns) => c.holdNamespaceTermination(ns),
    releaseNamespaceTermination: (ns) => c.releaseNamespaceTermination(ns),
    namespaceNames: () => c.namespaceNames(),
    releaseLabels: (ns) =>
      c.objects
        .list("Secret", { namespace: ns, labelSelector: "owner=helm" })
        .map((s) => s.metadata.labels ?? {}),
    helmCommands: () => c.helmStats.commands,
    completedInstalls: (key) => c.helmStats.completedInstalls.get(key) ?? 0,
  };
}

describeEachDatabase("store lifecycle on the fake API server (real client)", ({ handle }) => {
  let cluster: FakeApiCluster | undefined;
  beforeEach(async () => resetDatabase(handle()));
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      cluster = await FakeApiCluster.start({ helmInstallMs: scenario.helmInstallMs ?? 0 });
      await scenario.run({ handle: handle(), cluster: scenarioCluster(cluster) });
    }, 30_000);
  }
});
