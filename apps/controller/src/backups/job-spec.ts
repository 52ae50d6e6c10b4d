// The Kubernetes objects of one backup, as pure functions of the desired
// state: the backup Job (images/backup.Dockerfile running backup.sh), the
// NetworkPolicy that lets that Job reach only its store's database and the
// object store, and the copy of the object-store credentials its pods read.
// The controller applies them in the store's namespace; restores reuse the
// same shapes with restore.sh. Unit-tested in job-spec.unit.test.ts.
import type { Engine } from "@storeplane/db";
import {
  BACKUP_COMPONENT,
  COMPONENT_LABEL,
  type KubeObject,
  LABELS,
  PLATFORM_NAME,
  STORE_SECRET_KEYS,
  STORE_SECRET_NAME,
  storeNamespace,
} from "@storeplane/k8s";

/** Pods of backup and restore Jobs carry this component label (the NetworkPolicy selects it; packages/k8s store-contract.ts). */
export { BACKUP_COMPONENT, COMPONENT_LABEL };
/** The platform's object-store credentials, copied into the store's namespace (secretKeyRef cannot cross namespaces). */
export const BACKUP_TARGET_SECRET = "storeplane-backup-target";
export const BACKUP_POLICY_NAME = "allow-backup-egress";

export interface ObjectStoreTarget {
  endpoint: string;
  bucket: string;
  region: string;
  prefix: string;
  forcePathStyle: boolean;
  /**
   * Where the Job may send backups: the object store's address range
   * (an external bucket), or the namespace of an in-cluster S3 server.
   */
  egress: { cidr: string; port: number } | { namespace: string; port: number };
}

export interface BackupJobInput {
  store: {
    id: string;
    name: string;
    engine: Engine;
    plan: string;
    url: string;
    chartVersion: string;
    valuesDigest: string;
  };
  backupId: string;
  /** 1 for the first try; each retry runs a new Job. */
  attempt: number;
  image: string;
  target: ObjectStoreTarget;
  /** The Job is killed after this long (a stuck dump must not hold the store's quota). */
  deadlineSeconds?: number;
}

// The engine charts' database Services and how the backup tools reach them
// (charts/medusa/templates/postgres.yaml, charts/woocommerce/templates/mariadb.yaml).
const DATABASE: Record<
  Engine,
  { service: string; port: number; env: (host: string) => Array<Record<string, unknown>> }
> = {
  medusa: {
    service: "store-postgres",
    port: 5432,
    env: (host) => [
      { name: "PGHOST", value: host },
      { name: "PGPORT", value: "5432" },
      { name: "PGUSER", value: "medusa" },
      { name: "PGDATABASE", value: "medusa" },
      secretEnv("PGPASSWORD", STORE_SECRET_NAME, STORE_SECRET_KEYS.databasePassword),
    ],
  },
  woocommerce: {
    service: "store-mariadb",
    port: 3306,
    env: (host) => [
      { name: "WORDPRESS_DB_HOST", value: `${host}:3306` },
      { name: "WORDPRESS_DB_NAME", value: "wordpress" },
      { name: "WORDPRESS_DB_USER", value: "wordpress" },
      secretEnv("WORDPRESS_DB_PASSWORD", STORE_SECRET_NAME, STORE_SECRET_KEYS.databasePassword),
      { name: "WP_CONTENT_DIR", value: "/var/www/html/wp-content" },
    ],
  },
};

/** The database variables backup.sh and restore.sh read, for a store's engine. */
export function databaseEnv(engine: Engine): Array<Record<string, unknown>> {
  const db = DATABASE[engine];
  return db.env(db.service);
}

/** Where the object store is, and the credentials copy (BACKUP_TARGET_SECRET) to reach it. */
export function objectStoreEnv(t: ObjectStoreTarget): Array<Record<string, unknown>> {
  return [
    { name: "BACKUP_S3_ENDPOINT", value: t.endpoint },
    { name: "BACKUP_S3_BUCKET", value: t.bucket },
    { name: "BACKUP_S3_REGION", value: t.region },
    { name: "BACKUP_S3_PREFIX", value: t.prefix },
    { name: "BACKUP_S3_FORCE_PATH_STYLE", value: String(t.forcePathStyle) },
    secretEnv("AWS_ACCESS_KEY_ID", BACKUP_TARGET_SECRET, "access-key-id"),
    secretEnv("AWS_SECRET_ACCESS_KEY", BACKUP_TARGET_SECRET, "secret-access-key"),
  ];
}

export function secretEnv(name: string, secret: string, key: string) {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

function labels(input: BackupJobInput) {
  return {
    [LABELS.managedBy]: PLATFORM_NAME,
    [LABELS.storeId]: input.store.id,
    [LABELS.storeName]: input.store.name,
    [COMPONENT_LABEL]: BACKUP_COMPONENT,
  };
}

/**
 * DNS-1123 and at most 63 characters: "backup-", the backup id without dashes
 * (shortened) and the attempt, so a retry never collides with the failed Job.
 */
export function backupJobName(backupId: string, attempt: number): string {
  return `backup-${backupId.replaceAll("-", "").slice(0, 24)}-${attempt}`;
}

export function buildBackupJob(input: BackupJobInput): KubeObject {
  const namespace = storeNamespace(input.store.name);
  const t = input.target;
  const podLabels = labels(input);
  const volumes: Array<Record<string, unknown>> = [
    { name: "scratch", emptyDir: { sizeLimit: "20Gi" } },
  ];
  const mounts: Array<Record<string, unknown>> = [{ name: "scratch", mountPath: "/tmp" }];
  if (input.store.engine === "woocommerce") {
    // The media is read from WordPress's own volume (it holds /var/www/html),
    // read-only: a backup never changes the store. The volume is
    // ReadWriteOnce, so the Job's pod lands on WordPress's node.
    volumes.push({
      name: "site",
      persistentVolumeClaim: { claimName: "store-wordpress", readOnly: true },
    });
    mounts.push({ name: "site", mountPath: "/var/www/html", readOnly: true });
  }
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: backupJobName(input.backupId, input.attempt), namespace, labels: podLabels },
    spec: {
      // The controller decides about retries (transient object-store failures
      // are retried with backoff, recorded on the backup row): the Job runs once.
      backoffLimit: 0,
      activeDeadlineSeconds: input.deadlineSeconds ?? 3600,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: podLabels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 33,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "backup",
              image: input.image,
              command: ["/opt/storeplane/backup.sh"],
              env: [
                { name: "BACKUP_ENGINE", value: input.store.engine },
                { name: "BACKUP_STORE", value: input.store.name },
                { name: "BACKUP_ID", value: input.backupId },
                { name: "BACKUP_PLAN", value: input.store.plan },
                { name: "BACKUP_CHART_VERSION", value: input.store.chartVersion },
                { name: "BACKUP_VALUES_DIGEST", value: input.store.valuesDigest },
                { name: "STORE_URL", value: input.store.url },
                ...objectStoreEnv(t),
                ...databaseEnv(input.store.engine),
              ],
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "512Mi" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

/** The NetworkPolicy peer of the object store: its address range, or the namespace of an in-cluster server. */
export function objectStorePolicyPeer(target: ObjectStoreTarget): Record<string, unknown> {
  return "cidr" in target.egress
    ? { ipBlock: { cidr: target.egress.cidr } }
    : {
        namespaceSelector: {
          matchLabels: { "kubernetes.io/metadata.name": target.egress.namespace },
        },
      };
}

/**
 * Egress for backup and restore pods: DNS comes from the guardrails; this adds
 * the store's database (its pods, on its port) and the object store, nothing
 * else. The store's allow-same-namespace guardrail must not select these pods
 * for the restriction to hold (NetworkPolicies only ever add allowances).
 */
export function buildBackupNetworkPolicy(
  input: Pick<BackupJobInput, "store" | "target">,
): KubeObject {
  const db = DATABASE[input.store.engine];
  const objectStorePeer = objectStorePolicyPeer(input.target);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: BACKUP_POLICY_NAME,
      namespace: storeNamespace(input.store.name),
      labels: { [LABELS.managedBy]: PLATFORM_NAME, [LABELS.storeId]: input.store.id },
    },
    spec: {
      podSelector: { matchLabels: { [COMPONENT_LABEL]: BACKUP_COMPONENT } },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { [COMPONENT_LABEL]: "database" } } }],
          ports: [{ protocol: "TCP", port: db.port }],
        },
        { to: [objectStorePeer], ports: [{ protocol: "TCP", port: input.target.egress.port }] },
      ],
    },
  };
}

/** The credentials copy the Job reads; data comes from the platform's Secret, never from Postgres. */
export function buildBackupTargetSecret(
  store: { id: string; name: string },
  credentials: { accessKeyId: string; secretAccessKey: string },
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: BACKUP_TARGET_SECRET,
      namespace: storeNamespace(store.name),
      labels: { [LABELS.managedBy]: PLATFORM_NAME, [LABELS.storeId]: store.id },
    },
    type: "Opaque",
    stringData: {
      "access-key-id": credentials.accessKeyId,
      "secret-access-key": credentials.secretAccessKey,
    },
  };
}
