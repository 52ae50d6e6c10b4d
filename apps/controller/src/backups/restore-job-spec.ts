// The restore Job of one restore or clone, as a pure function of the desired
// state: the same shape as the backup Job (job-spec.ts: same component label,
// so the same allow-backup-egress NetworkPolicy and target Secret apply),
// running images/backup/restore.sh.
//   Medusa: one container, the backup image, `restore.sh` (download, verify,
//     pg_restore in one transaction).
//   WooCommerce: restore.sh needs storeplane-backup (backup image) to
//     download and WP-CLI + the mariadb client + the WordPress files to apply.
//     An initContainer from the backup image downloads and verifies every part
//     into an emptyDir (`restore.sh download`, which also copies restore.sh and
//     rewrite-url.php there); the main container, from a WP-CLI image, applies
//     them (`restore.sh apply`) with WordPress's volume mounted. The apply
//     container never gets the object-store credentials, and it only starts
//     once everything is verified (an initContainer that fails fails the pod).
import type { Engine } from "@storeplane/db";
import {
  type KubeObject,
  LABELS,
  PLATFORM_NAME,
  STORE_SECRET_KEYS,
  STORE_SECRET_NAME,
  storeNamespace,
} from "@storeplane/k8s";
import {
  BACKUP_COMPONENT,
  COMPONENT_LABEL,
  databaseEnv,
  type ObjectStoreTarget,
  objectStoreEnv,
  secretEnv,
} from "./job-spec.ts";

/** The restore's id on its Job and pod, to tell them from backup Jobs. */
export const RESTORE_ID_LABEL = "storeplane.io/restore-id";

/**
 * The WP-CLI image the WooCommerce apply step runs in when none is configured:
 * the WooCommerce chart's own `images.cli` (charts/woocommerce/values.yaml),
 * which has WP-CLI and the mariadb client; the WordPress files come from the
 * store's volume. (The chart's stock WordPress image has neither tool.)
 */
export const DEFAULT_RESTORE_WORDPRESS_IMAGE = "docker.io/library/wordpress:cli-2.12.0-php8.3";

export interface RestoreJobInput {
  store: { id: string; name: string; engine: Engine; url: string };
  restoreId: string;
  /** Where the backup is: its store (a clone names its source) and the sha256 recorded for its manifest. */
  backup: { id: string; storeName: string; manifestSha256: string };
  /** A clone: the source store's URL, rewritten to `store.url`. */
  cloneFromUrl?: string;
  /** The backup image (restore.sh, storeplane-backup, pg_restore). */
  image: string;
  /** WooCommerce: the image with WP-CLI and the mariadb client that applies the parts. */
  wordpressImage: string;
  target: ObjectStoreTarget;
  deadlineSeconds?: number;
}

/** DNS-1123 and at most 63 characters: one Job per restore (a restore is never retried). */
export function restoreJobName(restoreId: string): string {
  return `restore-${restoreId.replaceAll("-", "").slice(0, 24)}`;
}

const RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "1", memory: "1Gi" },
};

const CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

function restoreEnv(input: RestoreJobInput): Array<Record<string, unknown>> {
  const clone = input.cloneFromUrl !== undefined;
  return [
    { name: "BACKUP_ENGINE", value: input.store.engine },
    { name: "RESTORE_FROM_STORE", value: input.backup.storeName },
    { name: "RESTORE_BACKUP_ID", value: input.backup.id },
    { name: "RESTORE_MANIFEST_SHA256", value: input.backup.manifestSha256 },
    { name: "STORE_URL", value: input.store.url },
    ...(clone
      ? [
          { name: "CLONE_FROM_URL", value: input.cloneFromUrl },
          // The clone's own admin login, from its own Secret (restore.sh sets it).
          secretEnv("ADMIN_USER", STORE_SECRET_NAME, STORE_SECRET_KEYS.adminUsername),
          secretEnv("ADMIN_PASSWORD", STORE_SECRET_NAME, STORE_SECRET_KEYS.adminPassword),
        ]
      : []),
  ];
}

export function buildRestoreJob(input: RestoreJobInput): KubeObject {
  const namespace = storeNamespace(input.store.name);
  const podLabels = {
    [LABELS.managedBy]: PLATFORM_NAME,
    [LABELS.storeId]: input.store.id,
    [LABELS.storeName]: input.store.name,
    [COMPONENT_LABEL]: BACKUP_COMPONENT,
    [RESTORE_ID_LABEL]: input.restoreId,
  };
  const woo = input.store.engine === "woocommerce";
  const scratch = { name: "scratch", mountPath: "/tmp" };
  const work = { name: "work", mountPath: "/restore" };
  const volumes: Array<Record<string, unknown>> = [
    { name: "scratch", emptyDir: { sizeLimit: "20Gi" } },
  ];
  let initContainers: Array<Record<string, unknown>> = [];
  let container: Record<string, unknown>;
  if (!woo) {
    container = {
      name: "restore",
      image: input.image,
      command: ["/opt/storeplane/restore.sh"],
      env: [
        ...restoreEnv(input),
        ...objectStoreEnv(input.target),
        ...databaseEnv(input.store.engine),
      ],
      resources: RESOURCES,
      securityContext: CONTAINER_SECURITY,
      volumeMounts: [scratch],
    };
  } else {
    volumes.push(
      { name: "work", emptyDir: { sizeLimit: "20Gi" } },
      // WordPress is scaled to zero, so its ReadWriteOnce volume is free for this pod.
      { name: "site", persistentVolumeClaim: { claimName: "store-wordpress" } },
    );
    initContainers = [
      {
        name: "download",
        image: input.image,
        command: ["/opt/storeplane/restore.sh", "download"],
        env: [
          ...restoreEnv(input),
          { name: "RESTORE_WORK_DIR", value: "/restore" },
          ...objectStoreEnv(input.target),
        ],
        resources: RESOURCES,
        securityContext: CONTAINER_SECURITY,
        volumeMounts: [scratch, work],
      },
    ];
    container = {
      name: "restore",
      image: input.wordpressImage,
      command: ["sh", "/restore/restore.sh", "apply"],
      env: [
        ...restoreEnv(input),
        { name: "RESTORE_WORK_DIR", value: "/restore" },
        ...databaseEnv(input.store.engine),
        { name: "WP_PATH", value: "/var/www/html" },
        { name: "HOME", value: "/tmp" },
        { name: "WP_CLI_CACHE_DIR", value: "/tmp/wp-cli-cache" },
      ],
      resources: RESOURCES,
      securityContext: CONTAINER_SECURITY,
      volumeMounts: [scratch, work, { name: "site", mountPath: "/var/www/html" }],
    };
  }
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: restoreJobName(input.restoreId), namespace, labels: podLabels },
    spec: {
      // A restore is never retried automatically: a second run after a
      // half-applied one would not be the same restore. The row says why it failed.
      backoffLimit: 0,
      activeDeadlineSeconds: input.deadlineSeconds ?? 3600,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: podLabels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // uid 33 = www-data, owner of WordPress's files; both containers run
          // as it so the umask 077 parts in the shared folder stay theirs alone.
          securityContext: {
            runAsNonRoot: true,
            runAsUser: woo ? 33 : 65532,
            runAsGroup: woo ? 33 : 65532,
            fsGroup: 33,
            seccompProfile: { type: "RuntimeDefault" },
          },
          ...(initContainers.length > 0 ? { initContainers } : {}),
          containers: [container],
          volumes,
        },
      },
    },
  };
}
