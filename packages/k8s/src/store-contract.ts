// Names shared by the controller, the engine charts and the cluster reader.
// They are the contract between code that creates objects and charts that use
// them: change one side only together with the other.

export const PLATFORM_NAME = "storeplane";
export const FIELD_MANAGER = "storeplane-controller";

export const LABELS = {
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
  storeId: "storeplane.io/store-id",
  storeName: "storeplane.io/store-name",
  engine: "storeplane.io/engine",
  /** Short digest of the values a Helm release was installed with (set on Helm's release Secret via --labels). */
  valuesDigest: "storeplane.io/values-digest",
  /** Digest of a guardrail object's spec, so drift is seen without a deep compare. */
  specDigest: "storeplane.io/spec-digest",
} as const;

/**
 * Pods of a store's backup and restore Jobs carry COMPONENT_LABEL=BACKUP_COMPONENT.
 * The guardrails' allowances leave them out, so the backup NetworkPolicy
 * (apps/controller/src/backups/job-spec.ts) is their only allowance besides DNS,
 * and the bundled object store's ingress policy (charts/platform) admits them by it.
 */
export const COMPONENT_LABEL = "app.kubernetes.io/component";
export const BACKUP_COMPONENT = "backup";

/** Label selector that matches everything the platform created for stores. */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${PLATFORM_NAME}`;

/**
 * Selects what the engine charts create (workloads, pod templates, jobs,
 * PVC templates): every chart labels them `storeplane.io/store-id`. Charts
 * keep `app.kubernetes.io/managed-by: Helm`, so MANAGED_SELECTOR cannot be used.
 */
export const STORE_WORKLOAD_SELECTOR = LABELS.storeId;

/** Helm's own release Secrets carry these labels (name, status, version too). */
export const HELM_RELEASE_SELECTOR = "owner=helm";

export function storeNamespace(storeName: string): string {
  return `store-${storeName}`;
}

/** One Helm release per store, always in the store's own namespace. */
export const STORE_RELEASE_NAME = "store";

/**
 * While a store is suspended its chart scales every workload to zero and
 * renders this one small Deployment (with a Service and a ConfigMap of the
 * same name) serving the "this store is paused" page its Ingress then points
 * at. The controller tells it from the store's own workloads by this name.
 */
export const STORE_PAUSED_PAGE = `${STORE_RELEASE_NAME}-paused`;

/**
 * The Secret the controller creates once per store (never regenerated) and the
 * engine charts read through `existingSecret`. Credentials never pass through
 * Helm values, Postgres or logs.
 */
export const STORE_SECRET_NAME = "store-credentials";
export const STORE_SECRET_KEYS = {
  adminUsername: "admin-username",
  adminPassword: "admin-password",
  adminEmail: "admin-email",
  databasePassword: "database-password",
  databaseRootPassword: "database-root-password",
  jwtSecret: "jwt-secret",
  cookieSecret: "cookie-secret",
} as const;
export type StoreSecretKey = (typeof STORE_SECRET_KEYS)[keyof typeof STORE_SECRET_KEYS];

/**
 * Values the controller passes to every engine chart on top of the chosen
 * values file (values-local.yaml / values-prod.yaml). Charts must accept exactly
 * these keys and refuse to render without `existingSecret`.
 */
export interface StoreChartValues {
  store: {
    id: string;
    name: string;
    /** Public host, `<name>.<baseDomain>`; the ingress host and the site URL. */
    host: string;
    /** Public URL with scheme, e.g. http://shop.localhost or https://shop.example.com */
    url: string;
  };
  existingSecret: string;
  plan: string;
  /** Set when the controller copies a registry pull Secret into the store namespace. */
  imagePullSecrets?: { name: string }[];
  /**
   * Present (true) only while the store is suspended: absent rather than false
   * otherwise, so that introducing it changed no running store's values digest.
   */
  suspended?: true;
}
