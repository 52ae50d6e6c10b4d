import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { KubeClient } from "./kube-client.ts";
import { describeTarget, missingKubeconfigMessage } from "./kubeconfig.ts";

describe("kubeconfig", () => {
  it("names a missing kubeconfig instead of client-node's localhost:8080 fallback", () => {
    const kc = new KubeConfig();
    // What loadFromDefault() builds when it finds nothing at all.
    kc.loadFromClusterAndUser(
      { name: "cluster", server: "http://localhost:8080", skipTLSVerify: false },
      { name: "user" },
    );
    expect(missingKubeconfigMessage(describeTarget(kc))).toMatch(
      /no kubeconfig found: set KUBECONFIG/,
    );
  });

  it("says nothing for a real context", () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: "kind", server: "https://127.0.0.1:6443", skipTLSVerify: true }],
      users: [{ name: "kind" }],
      contexts: [{ name: "kind-storeplane", cluster: "kind", user: "kind" }],
      currentContext: "kind-storeplane",
    });
    expect(missingKubeconfigMessage(describeTarget(kc))).toBeNull();
  });

  it("fails every call with the banner's words, not client-node's TLS message", async () => {
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser(
      { name: "cluster", server: "http://localhost:8080", skipTLSVerify: false },
      { name: "user" },
    );
    const failure = await new KubeClient(kc).listPods(undefined).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "Unavailable", transient: true });
    expect((failure as Error).message).toMatch(/^no kubeconfig found: set KUBECONFIG/);
    expect((failure as Error).message).not.toMatch(/HTTP protocol/);
  });
});
