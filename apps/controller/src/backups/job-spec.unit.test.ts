// Level: unit. The backup Job, its NetworkPolicy and its credentials copy, as
// the controller would apply them: what runs, with which variables and where
// each secret comes from, and what the pod may reach.
import { describe, expect, it } from "vitest";
import {
  BACKUP_TARGET_SECRET,
  backupJobName,
  buildBackupJob,
  buildBackupNetworkPolicy,
  buildBackupTargetSecret,
} from "./job-spec.ts";

const store = {
  id: "7d3f1c2a-0000-4000-8000-000000000001",
  name: "acme",
  plan: "small",
  url: "http://acme.localhost",
  chartVersion: "0.1.0",
  valuesDigest: "sha256:abc",
};
const target = {
  endpoint: "https://s3.eu-central-1.amazonaws.com",
  bucket: "storeplane-backups",
  region: "eu-central-1",
  prefix: "",
  forcePathStyle: false,
  egress: { cidr: "0.0.0.0/0", port: 443 },
};
const backupId = "0f1e2d3c-4b5a-4968-8776-655443322110";

type Container = {
  env: Array<{
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef: { name: string; key: string } };
  }>;
  volumeMounts: Array<{ mountPath: string; readOnly?: boolean }>;
  securityContext: Record<string, unknown>;
};
function container(job: Record<string, unknown>): Container {
  return (job as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec
    .containers[0] as Container;
}
const envOf = (c: Container) =>
  Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom?.secretKeyRef]));

describe("backup Job", () => {
  it("runs backup.sh once in the store's namespace with the manifest's facts and the Medusa database", () => {
    const job = buildBackupJob({
      store: { ...store, engine: "medusa" },
      backupId,
      attempt: 1,
      image: "storeplane/backup:0.1.0",
      target,
    });
    expect(job.metadata).toMatchObject({
      name: "backup-0f1e2d3c4b5a496887766554-1",
      namespace: "store-acme",
    });
    expect(job.metadata.name.length).toBeLessThanOrEqual(63);
    expect(job).toMatchObject({ spec: { backoffLimit: 0, activeDeadlineSeconds: 3600 } });
    const env = envOf(container(job));
    expect(env).toMatchObject({
      BACKUP_ENGINE: "medusa",
      BACKUP_STORE: "acme",
      BACKUP_ID: backupId,
      BACKUP_PLAN: "small",
      BACKUP_CHART_VERSION: "0.1.0",
      BACKUP_VALUES_DIGEST: "sha256:abc",
      STORE_URL: "http://acme.localhost",
      BACKUP_S3_ENDPOINT: target.endpoint,
      BACKUP_S3_FORCE_PATH_STYLE: "false",
      PGHOST: "store-postgres",
      PGDATABASE: "medusa",
    });
  });

  it("takes every secret by reference: database password from the store's Secret, keys from the target copy", () => {
    const job = buildBackupJob({
      store: { ...store, engine: "woocommerce" },
      backupId,
      attempt: 2,
      image: "i",
      target,
    });
    const env = envOf(container(job));
    expect(env.WORDPRESS_DB_PASSWORD).toEqual({
      name: "store-credentials",
      key: "database-password",
    });
    expect(env.AWS_ACCESS_KEY_ID).toEqual({ name: BACKUP_TARGET_SECRET, key: "access-key-id" });
    expect(env.AWS_SECRET_ACCESS_KEY).toEqual({
      name: BACKUP_TARGET_SECRET,
      key: "secret-access-key",
    });
    for (const variable of container(job).env) {
      if (/PASSWORD|SECRET|KEY_ID/.test(variable.name)) expect(variable.value).toBeUndefined();
    }
  });

  it("reads WordPress's volume read-only and runs unprivileged without a service account token", () => {
    const job = buildBackupJob({
      store: { ...store, engine: "woocommerce" },
      backupId,
      attempt: 2,
      image: "i",
      target,
    });
    const c = container(job);
    expect(c.volumeMounts).toContainEqual({
      name: "site",
      mountPath: "/var/www/html",
      readOnly: true,
    });
    expect(envOf(c).WP_CONTENT_DIR).toBe("/var/www/html/wp-content");
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(job).toMatchObject({
      spec: {
        template: {
          spec: { automountServiceAccountToken: false, securityContext: { runAsNonRoot: true } },
        },
      },
    });
  });

  it("names Jobs after the backup and the attempt, stably", () => {
    expect(backupJobName(backupId, 1)).toBe(backupJobName(backupId, 1));
    expect(backupJobName(backupId, 2)).not.toBe(backupJobName(backupId, 1));
    expect(backupJobName(backupId, 10)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe("backup NetworkPolicy", () => {
  it("lets backup pods reach only the store's database port and the object store", () => {
    const policy = buildBackupNetworkPolicy({ store: { ...store, engine: "woocommerce" }, target });
    expect(policy.metadata).toMatchObject({ name: "allow-backup-egress", namespace: "store-acme" });
    expect(policy).toMatchObject({
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/component": "backup" } },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [{ podSelector: { matchLabels: { "app.kubernetes.io/component": "database" } } }],
            ports: [{ protocol: "TCP", port: 3306 }],
          },
          { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
        ],
      },
    });
  });

  it("allows an in-cluster object store by its namespace", () => {
    const policy = buildBackupNetworkPolicy({
      store: { ...store, engine: "medusa" },
      target: { ...target, egress: { namespace: "storeplane", port: 9000 } },
    });
    const egress = (policy.spec as { egress: Array<{ to: unknown[]; ports: unknown[] }> }).egress;
    expect(egress[0]?.ports).toEqual([{ protocol: "TCP", port: 5432 }]);
    expect(egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "storeplane" } } }],
      ports: [{ protocol: "TCP", port: 9000 }],
    });
  });
});

describe("backup target Secret", () => {
  it("copies the platform's object-store keys into the store's namespace under the names the Job reads", () => {
    const secret = buildBackupTargetSecret(store, {
      accessKeyId: "AKID",
      secretAccessKey: "s3cr3t",
    });
    expect(secret).toMatchObject({
      kind: "Secret",
      metadata: { name: BACKUP_TARGET_SECRET, namespace: "store-acme" },
      stringData: { "access-key-id": "AKID", "secret-access-key": "s3cr3t" },
    });
  });
});
