// Level: unit (argv building, the private values file, stderr classification).
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReleaseSpec } from "../cluster.ts";
import { ClassifiedError, type ErrorClass } from "../error-class.ts";
import { rollbackArgs, uninstallArgs, upgradeInstallArgs } from "./args.ts";
import { classifyHelmStderr, helmErrorFrom, ReleaseLocked, stderrExcerpt } from "./errors.ts";
import { withPrivateValuesFile } from "./values-file.ts";

const SECRETISH = "s3cr3t-Value-That-Must-Not-Leak";

const spec: ReleaseSpec = {
  namespace: "store-shop",
  release: "store",
  chart: "/repo/charts/woocommerce",
  valuesFiles: ["/repo/charts/woocommerce/values-local.yaml"],
  values: {
    store: { id: "1", name: "shop", host: "shop.localhost", url: "http://shop.localhost" },
    note: SECRETISH,
  },
  valuesDigest: "0123456789abcdef",
  timeoutSeconds: 300,
};

describe("upgradeInstallArgs", () => {
  const args = upgradeInstallArgs(spec, "/tmp/storeplane-helm-x/values.yaml", {
    kubeContext: "kind-storeplane",
  });

  it("is upgrade --install in the store namespace, env values file first, ours last", () => {
    expect(args.slice(0, 6)).toEqual([
      "upgrade",
      "--install",
      "store",
      "/repo/charts/woocommerce",
      "--namespace",
      "store-shop",
    ]);
    const files = args.flatMap((a, i) => (args[i - 1] === "--values" ? [a] : []));
    expect(files).toEqual([
      "/repo/charts/woocommerce/values-local.yaml",
      "/tmp/storeplane-helm-x/values.yaml",
    ]);
  });

  it("labels the release with the values digest and sets a timeout, JSON output and the context", () => {
    const joined = args.join(" ");
    expect(joined).toContain("--labels storeplane.io/values-digest=0123456789abcdef");
    expect(joined).toContain("--timeout 300s");
    expect(joined).toContain("--output json");
    expect(joined).toContain("--kube-context kind-storeplane");
  });

  it("never waits and never carries values on the command line", () => {
    expect(args.some((a) => a.startsWith("--wait"))).toBe(false);
    expect(args.some((a) => a === "--set" || a.startsWith("--set"))).toBe(false);
    expect(args.join(" ")).not.toContain(SECRETISH);
    expect(args.join(" ")).not.toContain("shop.localhost");
  });

  it("rejects a digest that cannot be a label value", () => {
    expect(() => upgradeInstallArgs({ ...spec, valuesDigest: "has space" }, "/f")).toThrow(
      /valuesDigest/,
    );
    expect(() => upgradeInstallArgs({ ...spec, valuesDigest: "x".repeat(41) }, "/f")).toThrow(
      /valuesDigest/,
    );
  });
});

describe("other commands", () => {
  it("uninstall is plain (no --wait) with a timeout", () => {
    expect(uninstallArgs("store-shop", "store", 120)).toEqual([
      "uninstall",
      "store",
      "--namespace",
      "store-shop",
      "--timeout",
      "120s",
    ]);
  });

  it("rollback names the revision", () => {
    expect(rollbackArgs("store-shop", "store", 4, 60).slice(0, 4)).toEqual([
      "rollback",
      "store",
      "4",
      "--namespace",
    ]);
  });
});

describe("withPrivateValuesFile", () => {
  it("writes YAML readable only by us (0600) in a private dir (0700), removed afterwards", async () => {
    let seen = "";
    const content = await withPrivateValuesFile({ a: { b: SECRETISH } }, async (path) => {
      seen = path;
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
      return readFile(path, "utf8");
    });
    expect(content).toContain(`b: ${SECRETISH}`);
    expect(existsSync(seen)).toBe(false);
    expect(existsSync(dirname(seen))).toBe(false);
  });

  it("removes the file when the command throws", async () => {
    let seen = "";
    await expect(
      withPrivateValuesFile({ x: 1 }, async (path) => {
        seen = path;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(seen).not.toBe("");
    expect(existsSync(dirname(seen))).toBe(false);
  });
});

describe("stderr classification", () => {
  const cases: [string, string][] = [
    [
      "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
      "ReleaseLocked",
    ],
    ["Error: uninstall: Release not loaded: store: release: not found", "ReleaseNotFound"],
    ["Error: release: not found", "ReleaseNotFound"],
    [
      'Error: kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused',
      "ClusterUnreachable",
    ],
    [
      "Error: Kubernetes cluster unreachable: the server has asked for the client to provide credentials",
      "ClusterUnreachable",
    ],
    [
      "Error: UPGRADE FAILED: post-upgrade hooks failed: 1 error occurred: timed out waiting for the condition",
      "HelmTimeout",
    ],
    ["Error: INSTALLATION FAILED: context deadline exceeded", "HelmTimeout"],
    ["Error: parse error at (broken/templates/bad.yaml:5): unclosed action", "ChartInvalid"],
    [
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):",
      "ChartInvalid",
    ],
    [
      'Error: INSTALLATION FAILED: template: woo/templates/x.yaml:3:4: executing "x" at <.Values.a.b>: nil pointer',
      "ChartInvalid",
    ],
    ['Error: path "/nope" not found', "ChartInvalid"],
    ['Error: create: failed to create: namespaces "store-x" not found', "NamespaceNotFound"],
    ["Error: INSTALLATION FAILED: admission webhook denied the request", "HelmFailed"],
  ];
  it.each(cases)("%s → %s", (stderr, kind) => {
    expect(classifyHelmStderr(stderr)).toBe(kind);
  });

  // The class travels with the error; the controller obeys it and never
  // re-derives it. Changing a row here changes what a store does on failure.
  it.each<[string, ErrorClass]>([
    [
      "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
      "locked",
    ],
    ["Error: release: not found", "transient"],
    ['Error: create: failed to create: namespaces "store-x" not found', "transient"],
    ["Error: kubernetes cluster unreachable: dial tcp: connection refused", "transient"],
    ["Error: INSTALLATION FAILED: context deadline exceeded", "transient"],
    ["Error: parse error at (broken/templates/bad.yaml:5): unclosed action", "terminal"],
    ["Error: INSTALLATION FAILED: admission webhook denied the request", "terminal"],
  ])("%s → class %s, reason is the kind itself", (stderr, errorClass) => {
    const err = helmErrorFrom("upgrade", stderr, 1);
    expect(err).toBeInstanceOf(ClassifiedError);
    expect(err.errorClass).toBe(errorClass);
    expect(err.conditionReason).toBe(err.kind);
    expect(err.conditionReason).not.toMatch(/^HelmHelm/);
  });

  it("builds the typed error with exit code and a short excerpt of the Error lines only", () => {
    const stderr = `WARNING: something noisy\n${"x".repeat(50)}\nError: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n`;
    const err = helmErrorFrom("upgrade", stderr, 1);
    expect(err).toBeInstanceOf(ReleaseLocked);
    expect(err).toMatchObject({ kind: "ReleaseLocked", exitCode: 1, errorClass: "locked" });
    expect(err.stderrExcerpt).toBe(
      "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
    );
  });

  it("caps the excerpt length", () => {
    expect(stderrExcerpt(`Error: ${"y".repeat(5_000)}`).length).toBeLessThanOrEqual(601);
  });
});
