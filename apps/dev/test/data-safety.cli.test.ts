// Level: cli (real processes). Demo data never reaches a real cluster: a store
// made by `npm run dev` in simulated mode is never reconciled against a
// kubeconfig. The kubeconfig points at the HTTP fake Kubernetes API server (a
// test tool, packages/k8s/src/testing) which records every request it gets.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@storeplane/api/client";
import { type FakeApiServer, startFakeApiServer } from "@storeplane/k8s/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDevToExit, startDev } from "./support/dev-process.ts";

describe("simulated and real mode never share data (real dev processes, fake API server)", () => {
  const work = mkdtempSync(join(tmpdir(), "storeplane-modes-"));
  const simulatedDir = join(work, "pglite-simulated");
  const kubeconfig = join(work, "kubeconfig");
  let api: FakeApiServer;

  beforeAll(async () => {
    api = await startFakeApiServer();
    // client-node refuses http:// unless the cluster skips TLS verification (STACK.md).
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: fake\n  cluster:\n    server: ${api.url}\n    insecure-skip-tls-verify: true`,
        "users:",
        "- name: fake-user\n  user:\n    token: fake-token",
        "contexts:",
        "- name: fake-context\n  context:\n    cluster: fake\n    user: fake-user",
        "current-context: fake-context",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await api?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("a kube-mode start on a simulated database refuses, and the cluster hears nothing of its store", async () => {
    // 1. Simulated mode: sign up and create a store through the real HTTP API.
    const simulated = await startDev({ CLUSTER: "simulated", PGLITE_DATA_DIR: simulatedDir });
    try {
      const { sessionToken } = await createClient({ url: simulated.url }).auth.signup.mutate({
        email: "demo@example.test",
        password: "correct horse battery",
      });
      const store = await createClient({
        url: simulated.url,
        token: sessionToken,
      }).stores.create.mutate({ name: "demo-shop", engine: "woocommerce", plan: "small" });
      expect(store.name).toBe("demo-shop");
    } finally {
      await simulated.stop();
    }

    // 2. Kube mode with a kubeconfig, on the same embedded database: refused before any cluster call.
    api.clearRequests();
    const refused = await runDevToExit({
      CLUSTER: "kube",
      KUBECONFIG: kubeconfig,
      PGLITE_DATA_DIR: simulatedDir,
    });
    console.log(`kube mode on the simulated database:\n${refused.output}`);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      `storeplane dev: refusing to start with CLUSTER=kube: the database (PGlite (embedded) at ${simulatedDir}) belongs to CLUSTER=simulated, and its stores would be reconciled against a real cluster. Fix: start with CLUSTER=simulated, or give CLUSTER=kube a database of its own`,
    );
    expect(refused.output).not.toMatch(/\n\s+at /); // a plain refusal, no stack trace
    expect(api.requests.filter((r) => r.path.includes("store-demo-shop"))).toEqual([]);
    expect(api.requests).toEqual([]);
  }, 400_000);

  it("control: the same kubeconfig does reach the fake cluster from a kube-mode database of its own", async () => {
    // Without this, "no request" above could mean the kubeconfig was never read.
    api.clearRequests();
    const kube = await startDev({
      CLUSTER: "kube",
      KUBECONFIG: kubeconfig,
      PGLITE_DATA_DIR: join(work, "pglite"),
    });
    try {
      // The kubeconfig's context is named (reachable or not, whatever the fake answers to the probe)…
      expect(kube.output()).toContain("fake-context");
      // …and the process did talk to the fake cluster.
      expect(api.requests.length).toBeGreaterThan(0);
      // Its database is its own: the simulated store is not there to reconcile.
      expect(api.requests.filter((r) => r.path.includes("store-demo-shop"))).toEqual([]);
    } finally {
      await kube.stop();
    }
  }, 200_000);
});
