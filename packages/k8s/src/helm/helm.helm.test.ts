// Level: the helm wrapper running real processes. The real helm binary where
// it works offline (template, lint, an install against a cluster that is not
// there); a recording fake executable (test/fixtures/fake-helm.sh) only for
// exit codes and stderr that need a live cluster to provoke.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleaseSpec } from "../cluster.ts";
import { readK8sEnv } from "../env.ts";
import { resolveHelmBinary } from "./binary.ts";
import { ChartInvalid, ClusterUnreachable, HelmTimeout, ReleaseLocked } from "./errors.ts";
import { createHelm } from "./helm.ts";

const FIXTURES = resolve(import.meta.dirname, "..", "..", "test", "fixtures");
const TINY = join(FIXTURES, "charts", "tiny");
const BROKEN = join(FIXTURES, "charts", "broken");
const FAKE_HELM = join(FIXTURES, "fake-helm.sh");
const SECRETISH = "n0t-on-the-command-line";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "k8s-helm-test-"));
});
afterAll(() => rm(work, { recursive: true, force: true }));

function spec(over: Partial<ReleaseSpec> = {}): ReleaseSpec {
  return {
    namespace: "store-shop",
    release: "store",
    chart: TINY,
    valuesFiles: [],
    values: { store: { name: "shop" }, greeting: SECRETISH },
    valuesDigest: "abc123",
    timeoutSeconds: 30,
    ...over,
  };
}

const realHelm = resolveHelmBinary();
if (!realHelm && readK8sEnv().REQUIRE_HELM === "1") {
  throw new Error("REQUIRE_HELM=1 but no helm found ($HELM_BIN, PATH, .tools/bin/helm)");
}
const describeReal = realHelm ? describe : describe.skip;

describeReal(`real helm (${realHelm ?? "skipped: helm not found"})`, () => {
  // Keep helm's cache/config out of the user's home.
  const env = () => ({
    HELM_CACHE_HOME: join(work, "cache"),
    HELM_CONFIG_HOME: join(work, "config"),
    HELM_DATA_HOME: join(work, "data"),
  });

  it("reports its version", async () => {
    const helm = createHelm({ binary: realHelm as string, env: env() });
    expect(await helm.version()).toMatch(/^v\d+\.\d+\.\d+/);
  });

  it("templates the fixture chart with controller values from the private file and a values file", async () => {
    const extra = join(work, "extra.yaml");
    await writeFile(extra, "greeting: from-file\nstore:\n  name: overridden-later\n");
    const helm = createHelm({ binary: realHelm as string, env: env() });
    const { objects } = await helm.template(
      { release: "store", chart: TINY, namespace: "store-shop", valuesFiles: [extra] },
      { store: { name: "shop" } },
    );
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatchObject({
      kind: "ConfigMap",
      metadata: { name: "store-tiny" },
      // Values file applied, then ours on top of it.
      data: { store: "shop", greeting: "from-file" },
    });
  });

  it("maps a template parse error to ChartInvalid", async () => {
    const helm = createHelm({ binary: realHelm as string, env: env() });
    const err = await helm
      .template({ release: "store", chart: BROKEN, namespace: "n", valuesFiles: [] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChartInvalid);
    expect((err as ChartInvalid).exitCode).toBe(1);
    expect((err as ChartInvalid).stderrExcerpt).toContain("parse error");
  });

  it("maps a values schema violation to ChartInvalid", async () => {
    const helm = createHelm({ binary: realHelm as string, env: env() });
    await expect(
      helm.template(
        { release: "s", chart: TINY, namespace: "n", valuesFiles: [] },
        { store: { name: "UPPER" } },
      ),
    ).rejects.toBeInstanceOf(ChartInvalid);
  });

  it("lints: the fixture passes, the broken chart fails with a finding", async () => {
    const helm = createHelm({ binary: realHelm as string, env: env() });
    expect((await helm.lint(TINY, [], { store: { name: "shop" } })).ok).toBe(true);
    const broken = await helm.lint(BROKEN);
    expect(broken.ok).toBe(false);
    expect(broken.output).toMatch(/ERROR|parse error/);
  });

  it("upgrade --install against an unreachable cluster → ClusterUnreachable, values file gone", async () => {
    const kubeconfig = join(work, "kubeconfig");
    await writeFile(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: nowhere, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}]",
        "users: [{name: u, user: {token: t}}]",
        "contexts: [{name: nowhere, context: {cluster: nowhere, user: u}}]",
        "current-context: nowhere",
      ].join("\n"),
      { mode: 0o600 },
    );
    const helm = createHelm({ binary: realHelm as string, env: env(), kubeconfig });
    const err = await helm.upgradeInstall(spec()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterUnreachable);
    expect((err as ClusterUnreachable).errorClass).toBe("transient");
    expect((err as Error).message).not.toContain(SECRETISH);
  });
});

describe("helm wrapper with a recording fake executable (exit codes and stderr only)", () => {
  const record = () => join(work, `rec-${Math.random().toString(36).slice(2)}`);
  const fake = (rec: string, env: Record<string, string>) =>
    createHelm({ binary: FAKE_HELM, env: { FAKE_HELM_RECORD: rec, ...env } });

  it("passes values only as a 0600 file that is gone afterwards, and parses the JSON answer", async () => {
    const rec = record();
    const stdout = JSON.stringify({
      name: "store",
      namespace: "store-shop",
      version: 3,
      info: { status: "deployed", description: "Upgrade complete" },
      config: { greeting: SECRETISH },
    });
    const info = await fake(rec, { FAKE_HELM_STDOUT: stdout }).upgradeInstall(
      spec({ valuesFiles: [join(TINY, "values.yaml")] }),
    );
    // Only what the caller needs; the release's values are dropped.
    expect(info).toEqual({
      name: "store",
      namespace: "store-shop",
      revision: 3,
      status: "deployed",
      description: "Upgrade complete",
    });

    const argv = (await readFile(rec, "utf8")).trim().split("\n");
    expect(argv.join(" ")).not.toContain(SECRETISH);
    expect(argv).toContain("--labels");
    const files = (await readFile(`${rec}.files`, "utf8"))
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    expect(files).toHaveLength(2);
    const [ours, mode] = files[1] as [string, string];
    expect(mode).toBe("600");
    expect(ours).toMatch(/storeplane-helm-.*\/values\.yaml$/);
    expect(existsSync(ours)).toBe(false);
  });

  it("another operation in progress → ReleaseLocked", async () => {
    const err = await fake(record(), {
      FAKE_HELM_EXIT: "1",
      FAKE_HELM_STDERR:
        "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n",
    })
      .upgradeInstall(spec())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReleaseLocked);
    expect(err).toMatchObject({ exitCode: 1, errorClass: "locked" });
  });

  it("release not found: uninstall reports not-found", async () => {
    const h = fake(record(), {
      FAKE_HELM_EXIT: "1",
      FAKE_HELM_STDERR: "Error: uninstall: Release not loaded: store: release: not found\n",
    });
    expect(await h.uninstall("store-shop", "store")).toEqual({ outcome: "not-found" });
  });

  it("helm's own timeout → HelmTimeout (transient)", async () => {
    const err = await fake(record(), {
      FAKE_HELM_EXIT: "1",
      FAKE_HELM_STDERR:
        "Error: UPGRADE FAILED: pre-upgrade hooks failed: timed out waiting for the condition\n",
    })
      .upgradeInstall(spec())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HelmTimeout);
    expect(err).toMatchObject({ errorClass: "transient", conditionReason: "HelmTimeout" });
  });

  it("an unknown failure → HelmFailed with the exit code and the Error line", async () => {
    const err = await fake(record(), {
      FAKE_HELM_EXIT: "3",
      FAKE_HELM_STDERR: "noise\nError: something else broke\n",
    })
      .rollback("store-shop", "store", 2)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: "HelmFailed",
      kind: "HelmFailed",
      exitCode: 3,
      stderrExcerpt: "Error: something else broke",
    });
  });

  it("an abort signal ends a running helm promptly", async () => {
    const ac = new AbortController();
    const h = createHelm({
      binary: FAKE_HELM,
      killGraceMs: 500,
      env: { FAKE_HELM_RECORD: record(), FAKE_HELM_SLEEP: "20" },
    });
    const started = Date.now();
    setTimeout(() => ac.abort(), 100);
    await expect(h.upgradeInstall(spec(), { signal: ac.signal })).rejects.toMatchObject({
      name: "HelmFailed",
      message: expect.stringContaining("aborted"),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
