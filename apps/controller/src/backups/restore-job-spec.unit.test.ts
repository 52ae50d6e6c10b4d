// Level: unit. The restore Job the controller applies, per engine.
import { describe, expect, it } from "vitest";
import { BACKUP_TARGET_SECRET } from "./job-spec.ts";
import { buildRestoreJob, RESTORE_ID_LABEL, restoreJobName } from "./restore-job-spec.ts";

interface Container {
  name: string;
  image: string;
  command: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: unknown } }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes: Array<Record<string, unknown>>;
  securityContext: Record<string, unknown>;
}
const podOf = (job: Record<string, unknown>) =>
  (job as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const envOf = (c: Container) =>
  Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom?.secretKeyRef]));

const restoreId = "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d";
const base = {
  restoreId,
  backup: { id: "b-1", storeName: "acme", manifestSha256: "f".repeat(64) },
  image: "storeplane/backup:0.1.0",
  wordpressImage: "wordpress:cli",
  target: {
    endpoint: "https://s3.example.test",
    bucket: "b",
    region: "us-east-1",
    prefix: "",
    forcePathStyle: false,
    egress: { cidr: "10.0.0.0/8", port: 443 },
  },
};

describe("restore Job", () => {
  it("Medusa: one container from the backup image running restore.sh against the store's Postgres, never retried", () => {
    const job = buildRestoreJob({
      ...base,
      store: { id: "s1", name: "acme", engine: "medusa", url: "http://acme.localhost" },
    });
    expect(job.metadata).toMatchObject({
      name: restoreJobName(restoreId),
      namespace: "store-acme",
    });
    expect(job.metadata.name).toBe("restore-7a6b5c4d3e2f4a1b8c9d0e1f");
    expect(job.metadata.labels).toMatchObject({
      "app.kubernetes.io/component": "backup",
      [RESTORE_ID_LABEL]: restoreId,
    });
    expect(job).toMatchObject({ spec: { backoffLimit: 0 } });
    const pod = podOf(job);
    expect(pod.initContainers).toBeUndefined();
    const [c] = pod.containers as [Container];
    expect(c).toMatchObject({
      image: "storeplane/backup:0.1.0",
      command: ["/opt/storeplane/restore.sh"],
    });
    expect(envOf(c)).toMatchObject({
      BACKUP_ENGINE: "medusa",
      RESTORE_FROM_STORE: "acme",
      RESTORE_BACKUP_ID: "b-1",
      RESTORE_MANIFEST_SHA256: "f".repeat(64),
      PGHOST: "store-postgres",
      AWS_SECRET_ACCESS_KEY: { name: BACKUP_TARGET_SECRET, key: "secret-access-key" },
    });
    expect(envOf(c).CLONE_FROM_URL).toBeUndefined();
  });

  it("WooCommerce: an initContainer downloads and verifies; the WP-CLI container applies with WordPress's volume and without the object-store keys", () => {
    const job = buildRestoreJob({
      ...base,
      store: {
        id: "s2",
        name: "acme-staging",
        engine: "woocommerce",
        url: "http://acme-staging.localhost",
      },
      backup: { ...base.backup, storeName: "acme" },
      cloneFromUrl: "http://acme.localhost",
    });
    const pod = podOf(job);
    const [download] = pod.initContainers as [Container];
    const [apply] = pod.containers as [Container];
    expect(download).toMatchObject({
      image: "storeplane/backup:0.1.0",
      command: ["/opt/storeplane/restore.sh", "download"],
    });
    expect(envOf(download)).toMatchObject({
      RESTORE_WORK_DIR: "/restore",
      RESTORE_FROM_STORE: "acme",
    });
    expect(envOf(download).AWS_ACCESS_KEY_ID).toBeDefined();
    expect(download.volumeMounts.map((m) => m.name)).not.toContain("site");
    expect(apply).toMatchObject({
      image: "wordpress:cli",
      command: ["sh", "/restore/restore.sh", "apply"],
    });
    const env = envOf(apply);
    expect(env).toMatchObject({
      RESTORE_WORK_DIR: "/restore",
      WORDPRESS_DB_HOST: "store-mariadb:3306",
      WP_PATH: "/var/www/html",
      CLONE_FROM_URL: "http://acme.localhost",
      STORE_URL: "http://acme-staging.localhost",
      ADMIN_PASSWORD: { name: "store-credentials", key: "admin-password" },
    });
    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(apply.volumeMounts).toContainEqual({ name: "site", mountPath: "/var/www/html" });
    expect(pod.volumes).toContainEqual({
      name: "site",
      persistentVolumeClaim: { claimName: "store-wordpress" },
    });
    // Both containers as www-data: the private parts in the shared folder stay readable to them alone.
    expect(pod.securityContext).toMatchObject({ runAsUser: 33, runAsGroup: 33 });
  });
});
