// The Kubernetes objects of one backup verification, as pure functions of the
// desired state: a Job in the store's namespace whose pod holds its own
// scratch database server (a native sidecar on emptyDir storage, reachable
// only on the pod's loopback), restores the backup into it with verify.sh
// (the backup image, the only container with object-store credentials), then
// starts the store's engine image on it for the health check and the order
// lookup (verify.sh check). The store's live database is never in the pod's
// environment, and its NetworkPolicy allows the object store only.
// Unit-tested in verify-job-spec.unit.test.ts.
import type { Engine } from "@storeplane/db";
import { type KubeObject, LABELS, PLATFORM_NAME, storeNamespace } from "@storeplane/k8s";
import {
  BACKUP_TARGET_SECRET,
  COMPONENT_LABEL,
  type ObjectStoreTarget,
  objectStorePolicyPeer,
} from "./job-spec.ts";

/** Pods of verify Jobs carry this component label: not "backup", so they get no database allowance. */
export const VERIFY_COMPONENT = "backup-verify";
export const VERIFY_POLICY_NAME = "allow-backup-verify-egress";
/** The scratch database verify.sh creates (and drops) on the pod's own server. */
export const VERIFY_DATABASE = "storeplane_verify";

/** Images of a verify Job: the scratch database server, and the engine the check runs. */
export interface VerifyImages {
  /** images/backup.Dockerfile (verify.sh, storeplane-backup, pg_restore, mariadb client). */
  backup: string;
  scratchDatabase: Record<Engine, string>;
  /** The store's engine image: Medusa's, or one with WordPress, WooCommerce and WP-CLI (images/woocommerce). */
  engine: Record<Engine, string>;
}

// The engine charts' own pins (charts/medusa/values.yaml images.postgres,
// charts/woocommerce/values.yaml images.mariadb and images.prebaked): the
// scratch server runs the version the store's database runs.
export const DEFAULT_VERIFY_IMAGES: Omit<VerifyImages, "backup"> = {
  scratchDatabase: {
    medusa: "docker.io/library/postgres:17.6",
    woocommerce: "docker.io/library/mariadb:11.4.8",
  },
  engine: {
    medusa: "storeplane/medusa:0.1.0",
    woocommerce: "storeplane/woocommerce:0.1.0",
  },
};

export interface VerifyJobInput {
  store: { id: string; name: string; engine: Engine };
  backup: { id: string; sha256: string };
  /** 1 for the first verification of this backup; each new one runs a new Job. */
  attempt: number;
  images: VerifyImages;
  target: ObjectStoreTarget;
  deadlineSeconds?: number;
}

/** DNS-1123 and at most 63 characters, like backupJobName. */
export function verifyJobName(backupId: string, attempt: number): string {
  return `verify-${backupId.replaceAll("-", "").slice(0, 24)}-${attempt}`;
}

function labels(input: Pick<VerifyJobInput, "store">) {
  return {
    [LABELS.managedBy]: PLATFORM_NAME,
    [LABELS.storeId]: input.store.id,
    [LABELS.storeName]: input.store.name,
    [COMPONENT_LABEL]: VERIFY_COMPONENT,
  };
}

const restricted = (readOnlyRootFilesystem: boolean) => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem,
  capabilities: { drop: ["ALL"] },
});

/**
 * The scratch server, listening on the pod's loopback only (no Service, no
 * other pod can reach it). Trust/empty-password auth is safe there: the
 * server is created empty for this pod and dies with it.
 */
function scratchServer(engine: Engine, image: string): Record<string, unknown> {
  const common = {
    name: "scratch-db",
    image,
    // A native sidecar (Kubernetes 1.29+): started before the restore, stopped after the check.
    restartPolicy: "Always",
    resources: {
      requests: { cpu: "100m", memory: "256Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    },
    securityContext: { ...restricted(true), runAsUser: 999, runAsGroup: 999 },
  };
  if (engine === "medusa") {
    return {
      ...common,
      args: ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
      env: [
        { name: "POSTGRES_HOST_AUTH_METHOD", value: "trust" },
        { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
      ],
      startupProbe: {
        exec: { command: ["pg_isready", "-h", "127.0.0.1", "-U", "postgres"] },
        periodSeconds: 2,
        failureThreshold: 90,
      },
      volumeMounts: [
        { name: "scratch-data", mountPath: "/var/lib/postgresql/data" },
        { name: "scratch-run", mountPath: "/var/run/postgresql" },
        { name: "tmp", mountPath: "/tmp" },
      ],
    };
  }
  return {
    ...common,
    args: ["--bind-address=127.0.0.1", "--skip-log-bin"],
    env: [{ name: "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", value: "1" }],
    startupProbe: {
      exec: { command: ["mariadb-admin", "--host=127.0.0.1", "--user=root", "ping"] },
      periodSeconds: 2,
      failureThreshold: 90,
    },
    volumeMounts: [
      { name: "scratch-data", mountPath: "/var/lib/mysql" },
      { name: "scratch-run", mountPath: "/run/mysqld" },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

/** The scratch server's address as each tool reads it. */
function scratchEnv(engine: Engine): Array<Record<string, unknown>> {
  return engine === "medusa"
    ? [
        { name: "PGHOST", value: "127.0.0.1" },
        { name: "PGPORT", value: "5432" },
        { name: "PGUSER", value: "postgres" },
      ]
    : [
        { name: "WORDPRESS_DB_HOST", value: "127.0.0.1:3306" },
        { name: "WORDPRESS_DB_USER", value: "root" },
        // verify.sh insists on a password variable; the scratch root has none.
        { name: "WORDPRESS_DB_PASSWORD", value: "" },
        { name: "WP_PATH", value: "/site" },
        { name: "WP_CONTENT_DIR", value: "/site/wp-content" },
      ];
}

export function buildVerifyJob(input: VerifyJobInput): KubeObject {
  const namespace = storeNamespace(input.store.name);
  const { engine } = input.store;
  const t = input.target;
  const podLabels = labels(input);
  const verifyEnv = [
    { name: "BACKUP_ENGINE", value: engine },
    { name: "RESTORE_FROM_STORE", value: input.store.name },
    { name: "RESTORE_BACKUP_ID", value: input.backup.id },
    { name: "RESTORE_MANIFEST_SHA256", value: input.backup.sha256 },
    { name: "VERIFY_DATABASE", value: VERIFY_DATABASE },
    { name: "VERIFY_STATE_DIR", value: "/verify/state" },
    ...scratchEnv(engine),
  ];
  const shared = [
    { name: "verify", mountPath: "/verify" },
    { name: "tmp", mountPath: "/tmp" },
    ...(engine === "woocommerce" ? [{ name: "site", mountPath: "/site" }] : []),
  ];
  // The check runs the store's engine image, which has neither verify.sh nor
  // any credentials: the restore step hands it the script through /verify.
  const checkCommand =
    engine === "medusa"
      ? "exec sh /verify/verify.sh check"
      : // The image's WordPress (WooCommerce baked in) beside the restored uploads, its wp-config from the image's template.
        "cp -a /usr/src/wordpress/. /site/ && cp /site/wp-config-docker.php /site/wp-config.php && exec sh /verify/verify.sh check";
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: verifyJobName(input.backup.id, input.attempt), namespace, labels: podLabels },
    spec: {
      // One run: the result (passed or failed) is what the platform records.
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
            fsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          initContainers: [
            scratchServer(engine, input.images.scratchDatabase[engine]),
            {
              name: "restore",
              image: input.images.backup,
              command: [
                "sh",
                "-c",
                "cp /opt/storeplane/verify.sh /verify/verify.sh && exec /opt/storeplane/verify.sh restore",
              ],
              env: [
                ...verifyEnv,
                { name: "BACKUP_S3_ENDPOINT", value: t.endpoint },
                { name: "BACKUP_S3_BUCKET", value: t.bucket },
                { name: "BACKUP_S3_REGION", value: t.region },
                { name: "BACKUP_S3_PREFIX", value: t.prefix },
                { name: "BACKUP_S3_FORCE_PATH_STYLE", value: String(t.forcePathStyle) },
                secretEnv("AWS_ACCESS_KEY_ID", "access-key-id"),
                secretEnv("AWS_SECRET_ACCESS_KEY", "secret-access-key"),
              ],
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "512Mi" },
              },
              securityContext: { ...restricted(true), runAsUser: 65532, runAsGroup: 65532 },
              terminationMessagePolicy: "FallbackToLogsOnError",
              volumeMounts: shared,
            },
          ],
          containers: [
            {
              name: "check",
              image: input.images.engine[engine],
              command: ["sh", "-c", checkCommand],
              env: [
                ...verifyEnv,
                ...(engine === "medusa"
                  ? [
                      { name: "MEDUSA_CLI", value: "./node_modules/.bin/medusa" },
                      { name: "MEDUSA_DIR", value: "/app" },
                      { name: "NODE_ENV", value: "production" },
                    ]
                  : []),
              ],
              resources: {
                requests: { cpu: "250m", memory: "512Mi" },
                limits: { cpu: "1", memory: "1536Mi" },
              },
              // The engine writes caches beside its code (Medusa's .medusa, WordPress under /site).
              securityContext: {
                ...restricted(false),
                runAsUser: engine === "medusa" ? 1000 : 33,
                runAsGroup: engine === "medusa" ? 1000 : 33,
              },
              terminationMessagePolicy: "FallbackToLogsOnError",
              volumeMounts: shared,
            },
          ],
          volumes: [
            { name: "scratch-data", emptyDir: { sizeLimit: "20Gi" } },
            { name: "scratch-run", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
            { name: "verify", emptyDir: { sizeLimit: "20Gi" } },
            { name: "tmp", emptyDir: { sizeLimit: "20Gi" } },
            ...(engine === "woocommerce"
              ? [{ name: "site", emptyDir: { sizeLimit: "20Gi" } }]
              : []),
          ],
        },
      },
    },
  };
}

function secretEnv(name: string, key: string) {
  return { name, valueFrom: { secretKeyRef: { name: BACKUP_TARGET_SECRET, key } } };
}

/**
 * Egress for verify pods: the object store only (DNS comes from the
 * guardrails). The scratch server is on the pod's loopback, which
 * NetworkPolicies do not govern; the store's live database is not allowed.
 */
export function buildVerifyNetworkPolicy(
  input: Pick<VerifyJobInput, "store" | "target">,
): KubeObject {
  const objectStorePeer = objectStorePolicyPeer(input.target);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: VERIFY_POLICY_NAME,
      namespace: storeNamespace(input.store.name),
      labels: { [LABELS.managedBy]: PLATFORM_NAME, [LABELS.storeId]: input.store.id },
    },
    spec: {
      podSelector: { matchLabels: { [COMPONENT_LABEL]: VERIFY_COMPONENT } },
      policyTypes: ["Egress"],
      egress: [
        { to: [objectStorePeer], ports: [{ protocol: "TCP", port: input.target.egress.port }] },
      ],
    },
  };
}
