// Level: unit. The verify Job and its NetworkPolicy, as the controller would
// apply them: a scratch database server inside the Job's own pod (a native
// sidecar on emptyDir, loopback only), the restore step with the object
// store's credentials, the engine's check without them, nothing that names
// the store's live database, and egress to the object store only.
import { STORE_SECRET_NAME } from "@storeplane/k8s";
import { describe, expect, it } from "vitest";
import { BACKUP_POLICY_NAME, BACKUP_TARGET_SECRET, buildBackupJob } from "./job-spec.ts";
import {
  buildVerifyJob,
  buildVerifyNetworkPolicy,
  DEFAULT_VERIFY_IMAGES,
  VERIFY_COMPONENT,
  VERIFY_POLICY_NAME,
  verifyJobName,
} from "./verify-job-spec.ts";

const store = { id: "7d3f1c2a-0000-4000-8000-000000000001", name: "acme" };
const target = {
  endpoint: "https://s3.eu-central-1.amazonaws.com",
  bucket: "storeplane-backups",
  region: "eu-central-1",
  prefix: "",
  forcePathStyle: false,
  egress: { cidr: "0.0.0.0/0", port: 443 },
};
const backup = { id: "0f1e2d3c-4b5a-4968-8776-655443322110", sha256: "e".repeat(64) };
const images = { backup: "storeplane/backup:0.1.0", ...DEFAULT_VERIFY_IMAGES };

type Env = {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
};
type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  restartPolicy?: string;
  startupProbe?: unknown;
  env: Env[];
  volumeMounts: Array<{ name: string; mountPath: string }>;
  securityContext: Record<string, unknown>;
};
type PodSpec = {
  initContainers: Container[];
  containers: Container[];
  volumes: Array<{ name: string; emptyDir?: unknown; persistentVolumeClaim?: unknown }>;
  automountServiceAccountToken: boolean;
};
const podOf = (job: Record<string, unknown>) =>
  (job as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const envOf = (c: Container) =>
  Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom?.secretKeyRef]));
const byName = (pod: PodSpec, name: string) =>
  [...pod.initContainers, ...pod.containers].find((c) => c.name === name) as Container;

describe("verify Job", () => {
  it("runs once in the store's namespace: a scratch Postgres sidecar, verify.sh restore with the bucket's credentials, then the Medusa image's check", () => {
    const job = buildVerifyJob({
      store: { ...store, engine: "medusa" },
      backup,
      attempt: 2,
      images,
      target,
    });
    expect(job.metadata).toMatchObject({
      name: "verify-0f1e2d3c4b5a496887766554-2",
      namespace: "store-acme",
      labels: { "app.kubernetes.io/component": VERIFY_COMPONENT },
    });
    expect((job as unknown as { spec: Record<string, unknown> }).spec).toMatchObject({
      backoffLimit: 0,
    });
    const pod = podOf(job);
    expect(pod.initContainers.map((c) => c.name)).toEqual(["scratch-db", "restore"]);
    expect(pod.containers.map((c) => c.name)).toEqual(["check"]);
    expect(pod.automountServiceAccountToken).toBe(false);

    const db = byName(pod, "scratch-db");
    expect(db).toMatchObject({ image: "docker.io/library/postgres:17.6", restartPolicy: "Always" });
    expect(db.args).toContain("listen_addresses=127.0.0.1");
    expect(db.startupProbe).toBeDefined();
    // Its storage is the pod's own: emptyDir volumes only, no claim.
    for (const volume of pod.volumes) {
      expect(volume.emptyDir, volume.name).toBeDefined();
      expect(volume.persistentVolumeClaim).toBeUndefined();
    }

    const restore = byName(pod, "restore");
    expect(restore.image).toBe("storeplane/backup:0.1.0");
    expect(restore.command?.join(" ")).toContain("/opt/storeplane/verify.sh restore");
    expect(envOf(restore)).toMatchObject({
      BACKUP_ENGINE: "medusa",
      RESTORE_FROM_STORE: "acme",
      RESTORE_BACKUP_ID: backup.id,
      RESTORE_MANIFEST_SHA256: backup.sha256,
      VERIFY_DATABASE: "storeplane_verify",
      PGHOST: "127.0.0.1",
      AWS_ACCESS_KEY_ID: { name: BACKUP_TARGET_SECRET, key: "access-key-id" },
      AWS_SECRET_ACCESS_KEY: { name: BACKUP_TARGET_SECRET, key: "secret-access-key" },
    });

    const check = byName(pod, "check");
    expect(check.image).toBe("storeplane/medusa:0.1.0");
    expect(check.command?.join(" ")).toContain("sh /verify/verify.sh check");
    expect(envOf(check)).toMatchObject({ PGHOST: "127.0.0.1", MEDUSA_DIR: "/app" });
    // The engine (tenant code) never sees the bucket's credentials.
    expect(check.env.some((e) => e.valueFrom)).toBe(false);
    expect(Object.keys(envOf(check))).not.toContain("AWS_SECRET_ACCESS_KEY");
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext, c.name).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
    }
  });

  it("never names the store's live database or its Secret (the backup Job does)", () => {
    for (const engine of ["medusa", "woocommerce"] as const) {
      const text = JSON.stringify(
        buildVerifyJob({ store: { ...store, engine }, backup, attempt: 1, images, target }),
      );
      for (const live of [
        "store-postgres",
        "store-mariadb",
        "store-wordpress",
        STORE_SECRET_NAME,
      ]) {
        expect(text, `${engine}: ${live}`).not.toContain(live);
      }
      // The check that this test could fail: the backup Job of the same store does name them.
      const backupJob = JSON.stringify(
        buildBackupJob({
          store: { ...store, engine, plan: "small", url: "", chartVersion: "", valuesDigest: "" },
          backupId: backup.id,
          attempt: 1,
          image: "i",
          target,
        }),
      );
      expect(backupJob).toContain(engine === "medusa" ? "store-postgres" : "store-mariadb");
    }
  });

  it("for WooCommerce: a scratch MariaDB, the restored uploads and the image's WordPress in one scratch folder", () => {
    const pod = podOf(
      buildVerifyJob({
        store: { ...store, engine: "woocommerce" },
        backup,
        attempt: 1,
        images,
        target,
      }),
    );
    expect(byName(pod, "scratch-db").image).toBe("docker.io/library/mariadb:11.4.8");
    expect(byName(pod, "scratch-db").args).toContain("--bind-address=127.0.0.1");
    const check = byName(pod, "check");
    expect(check.image).toBe("storeplane/woocommerce:0.1.0");
    expect(check.command?.join(" ")).toContain("cp -a /usr/src/wordpress/. /site/");
    expect(envOf(check)).toMatchObject({
      WORDPRESS_DB_HOST: "127.0.0.1:3306",
      WP_PATH: "/site",
      WP_CONTENT_DIR: "/site/wp-content",
    });
    expect(byName(pod, "restore").volumeMounts.map((m) => m.mountPath)).toContain("/site");
  });

  it("names each attempt apart and within 63 characters", () => {
    expect(verifyJobName(backup.id, 1)).not.toBe(verifyJobName(backup.id, 2));
    expect(verifyJobName(backup.id, 999).length).toBeLessThanOrEqual(63);
  });
});

describe("verify NetworkPolicy", () => {
  it("selects only verify pods and allows the object store only, not the database the backup policy allows", () => {
    const policy = buildVerifyNetworkPolicy({ store: { ...store, engine: "medusa" }, target });
    expect(policy.metadata).toMatchObject({ name: VERIFY_POLICY_NAME, namespace: "store-acme" });
    expect(VERIFY_POLICY_NAME).not.toBe(BACKUP_POLICY_NAME);
    expect((policy as unknown as { spec: unknown }).spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/component": VERIFY_COMPONENT } },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ],
    });
    const inCluster = buildVerifyNetworkPolicy({
      store: { ...store, engine: "woocommerce" },
      target: { ...target, egress: { namespace: "storeplane-s3", port: 9000 } },
    });
    expect((inCluster as unknown as { spec: { egress: unknown[] } }).spec.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "storeplane-s3" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 9000 }],
      },
    ]);
  });
});
