// Level: fakeapi with the REAL helm binary. KubeCluster (client-node) and
// the real helm 4 CLI both talk to the HTTP fake API server: install →
// upgrade → rollbackRelease of a tiny chart, then the release history as
// helm wrote it. The fake serves what helm needs for this (discovery
// documents, protobuf-encoded release Secrets, server-side apply); it has no
// OpenAPI documents, so a wrapper adds --disable-openapi-validation to
// helm's upgrades (a real API server validates instead). Proves what the
// controller relies on: `helm rollback` copies the target revision's labels,
// so the values-digest label is back on the new revision.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleaseSpec } from "./cluster.ts";
import { resolveHelmBinary } from "./helm/binary.ts";
import { createHelm } from "./helm/helm.ts";
import { createKubeCluster } from "./kube-cluster.ts";
import { LABELS } from "./store-contract.ts";
import { FakeApiServer } from "./testing/fake-api-server.ts";

const TINY = resolve(import.meta.dirname, "..", "test", "fixtures", "charts", "tiny");
const realHelm = resolveHelmBinary();
const describeReal = realHelm ? describe : describe.skip;

describeReal(
  `KubeCluster.rollbackRelease with real helm (${realHelm ?? "skipped: no helm"})`,
  () => {
    let api: FakeApiServer;
    let work: string;
    beforeAll(async () => {
      api = await new FakeApiServer().start();
      work = mkdtempSync(join(tmpdir(), "k8s-real-helm-"));
    });
    afterAll(async () => {
      await api.close();
      rmSync(work, { recursive: true, force: true });
    });

    function cluster() {
      const kubeconfig = join(work, "kubeconfig");
      writeFileSync(
        kubeconfig,
        [
          "apiVersion: v1",
          "kind: Config",
          `clusters: [{name: fake, cluster: {server: "${api.url}", insecure-skip-tls-verify: true}}]`,
          "users: [{name: u, user: {token: fake-token}}]",
          "contexts: [{name: c, context: {cluster: fake, user: u}}]",
          "current-context: c",
          "",
        ].join("\n"),
      );
      const wrapper = join(work, "helm");
      writeFileSync(
        wrapper,
        `#!/bin/sh\nif [ "$1" = upgrade ]; then exec "${realHelm}" "$@" --disable-openapi-validation; fi\nexec "${realHelm}" "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
      const helm = createHelm({
        binary: wrapper,
        kubeconfig,
        env: {
          HELM_CACHE_HOME: join(work, "cache"),
          HELM_CONFIG_HOME: join(work, "config"),
          HELM_DATA_HOME: join(work, "data"),
        },
      });
      return createKubeCluster({ kubeConfig: api.kubeConfig(), helm, watchCache: false });
    }

    const spec = (greeting: string, valuesDigest: string): ReleaseSpec => ({
      namespace: "store-shop",
      release: "store",
      chart: TINY,
      valuesFiles: [],
      values: { store: { name: "shop" }, greeting },
      valuesDigest,
      timeoutSeconds: 30,
    });

    it("install, upgrade, then one helm rollback to the revision with the digest: the digest label is back", async () => {
      const c = cluster();
      await c.ensureNamespace({ name: "store-shop", labels: { [LABELS.storeId]: "id-1" } });
      await c.installRelease(spec("hello", "d-one"));
      await c.installRelease(spec("changed", "d-two"));
      const configMap = () => api.get("", "configmaps", "store-shop", "store-tiny");
      expect(configMap()?.data).toMatchObject({ greeting: "changed" });

      const out = await c.rollbackRelease("store-shop", "store", { valuesDigest: "d-one" });
      expect(out).toEqual({ outcome: "rolled-back", from: 2, to: 1, revision: 3 });
      expect(configMap()?.data).toMatchObject({ greeting: "hello" });

      const release = (await c.snapshot()).namespaces.get("store-shop")?.releases[0];
      expect(release).toMatchObject({ revision: 3, status: "deployed", valuesDigest: "d-one" });
      const secrets = ["v1", "v2", "v3"].map(
        (v) =>
          api.get("", "secrets", "store-shop", `sh.helm.release.v1.store.${v}`)?.metadata.labels,
      );
      expect(secrets.map((l) => [l?.status, l?.[LABELS.valuesDigest]])).toEqual([
        ["superseded", "d-one"],
        ["superseded", "d-two"],
        ["deployed", "d-one"],
      ]);
      // Asked again, nothing to do: no second rollback.
      expect(await c.rollbackRelease("store-shop", "store", { valuesDigest: "d-one" })).toEqual({
        outcome: "current",
        revision: 3,
      });
    }, 60_000);
  },
);
