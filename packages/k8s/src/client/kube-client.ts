// A thin typed client over @kubernetes/client-node 1.x: only the calls the
// controller and the API's reader make, each with a timeout, each failure
// mapped to a KubeError. It decides nothing; callers do.

import type { CoreV1Event } from "@kubernetes/client-node";
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  type KubeConfig,
  NetworkingV1Api,
  type V1Deployment,
  type V1Job,
  type V1LimitRange,
  type V1Namespace,
  type V1NetworkPolicy,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1ResourceQuota,
  type V1StatefulSet,
  VersionApi,
} from "@kubernetes/client-node";
import type { KubeObject } from "../cluster.ts";
import { FIELD_MANAGER, LABELS, PLATFORM_NAME } from "../store-contract.ts";
import { isKubeError, KubeError, toKubeError } from "./errors.ts";
import { describeTarget, type KubeTarget, missingKubeconfigMessage } from "./kubeconfig.ts";
import { hasLabels, storeNamespaceLabels } from "./namespace-labels.ts";
import { APPLY_PATCH, MERGE_PATCH, METADATA_ONLY_LIST, requestOptions } from "./request-options.ts";

export interface KubeClientOptions {
  /** Per-request timeout. The controller uses ~10 s, the API's reader ~2 s. */
  timeoutMs?: number;
}

/** Only what the snapshot needs from a Secret: never its data. */
export interface SecretMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The kinds a snapshot lists (and the watch cache watches), by API resource name. */
export type ListKind =
  | "namespaces"
  | "resourcequotas"
  | "limitranges"
  | "networkpolicies"
  | "secrets"
  | "deployments"
  | "statefulsets"
  | "jobs"
  | "pods"
  | "persistentvolumeclaims"
  | "events";

type Listed = { items: unknown[]; metadata?: { resourceVersion?: string } };

export class KubeClient {
  readonly target: KubeTarget;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly net: NetworkingV1Api;
  private readonly version: VersionApi;
  private readonly timeoutMs: number;

  constructor(kc: KubeConfig, opts: KubeClientOptions = {}) {
    this.target = describeTarget(kc);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.net = kc.makeApiClient(NetworkingV1Api);
    this.version = kc.makeApiClient(VersionApi);
  }

  private opts(extra: { contentType?: string; accept?: string } = {}) {
    return requestOptions({ timeoutMs: this.timeoutMs, ...extra });
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    // Without any kubeconfig, client-node's fallback fails every call with
    // "HTTP protocol is not allowed when skipTLSVerify is not set"; say what
    // is really missing, in the same words as the dashboard banner.
    const missing = missingKubeconfigMessage(this.target);
    if (missing) throw new KubeError("Unavailable", missing);
    try {
      return await fn();
    } catch (err) {
      throw toKubeError(err, what);
    }
  }

  /** null on NotFound; every other failure throws. */
  private async orNull<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await this.call(what, fn);
    } catch (err) {
      if (isKubeError(err, "NotFound")) return null;
      throw err;
    }
  }

  async serverVersion(): Promise<string> {
    const info = await this.call("get server version", () => this.version.getCode({}, this.opts()));
    return info.gitVersion;
  }

  // --- namespaces -----------------------------------------------------------

  readNamespace(name: string): Promise<V1Namespace | null> {
    return this.orNull(`read namespace ${name}`, () =>
      this.core.readNamespace({ name }, this.opts()),
    );
  }

  /**
   * Create the namespace with platform and Pod Security labels; if it already
   * exists, add any missing label with a merge patch (never removes labels).
   */
  async ensureNamespace(
    name: string,
    labels: Record<string, string>,
  ): Promise<"created" | "updated" | "unchanged"> {
    const wanted = storeNamespaceLabels(labels);
    try {
      await this.call(`create namespace ${name}`, () =>
        this.core.createNamespace(
          { body: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: wanted } } },
          this.opts(),
        ),
      );
      return "created";
    } catch (err) {
      if (!isKubeError(err, "Conflict")) throw err;
    }
    const current = await this.readNamespace(name);
    if (!current) throw new KubeError("Conflict", `namespace ${name} vanished while being ensured`);
    if (hasLabels(current.metadata?.labels, wanted)) return "unchanged";
    await this.call(`label namespace ${name}`, () =>
      this.core.patchNamespace(
        { name, body: { metadata: { labels: wanted } } },
        this.opts({ contentType: MERGE_PATCH }),
      ),
    );
    return "updated";
  }

  /**
   * Idempotent: a namespace already gone counts as deleted (deleted: false),
   * and so does one already terminating, which the API server answers with
   * 409 "The system is ensuring all content is removed from this namespace".
   */
  async deleteNamespace(name: string): Promise<{ deleted: boolean }> {
    try {
      const res = await this.orNull(`delete namespace ${name}`, () =>
        this.core.deleteNamespace({ name, propagationPolicy: "Background" }, this.opts()),
      );
      return { deleted: res !== null };
    } catch (err) {
      if (isKubeError(err, "Conflict")) return { deleted: true };
      throw err;
    }
  }

  // --- server-side apply ----------------------------------------------------

  /**
   * Server-side apply with the platform's field manager and force=true: the
   * controller owns these objects outright, so a conflicting manager (a human
   * with kubectl edit) is overridden rather than blocking the reconcile.
   */
  async apply(namespace: string, obj: KubeObject): Promise<void> {
    const name = obj.metadata.name;
    const body = { ...obj, metadata: { ...obj.metadata, namespace } };
    const params = { name, namespace, body, fieldManager: FIELD_MANAGER, force: true };
    const options = this.opts({ contentType: APPLY_PATCH });
    const what = `apply ${obj.kind} ${namespace}/${name}`;
    switch (`${obj.apiVersion}/${obj.kind}`) {
      case "v1/ResourceQuota":
        await this.call(what, () => this.core.patchNamespacedResourceQuota(params, options));
        return;
      case "v1/LimitRange":
        await this.call(what, () => this.core.patchNamespacedLimitRange(params, options));
        return;
      case "networking.k8s.io/v1/NetworkPolicy":
        await this.call(what, () => this.net.patchNamespacedNetworkPolicy(params, options));
        return;
      // A backup's objects (apps/controller/src/backups/job-spec.ts). A Job's
      // pod template is immutable, so every attempt is a new Job name.
      case "batch/v1/Job":
        await this.call(what, () => this.batch.patchNamespacedJob(params, options));
        return;
      case "v1/Secret":
        await this.call(what, () => this.core.patchNamespacedSecret(params, options));
        return;
      default:
        // Applying another kind would also need a new RBAC rule (rbac.ts).
        throw new KubeError("Invalid", `${what}: kind not supported by the platform client`);
    }
  }

  // --- jobs -----------------------------------------------------------------

  readJob(namespace: string, name: string): Promise<V1Job | null> {
    return this.orNull(`read job ${namespace}/${name}`, () =>
      this.batch.readNamespacedJob({ name, namespace }, this.opts()),
    );
  }

  /**
   * Idempotent. Background propagation: without it a Job's pods are orphaned
   * (the API's default for batch/v1 Jobs is orphan), and a finished backup's
   * pod would stay until the namespace goes.
   */
  async deleteJob(namespace: string, name: string): Promise<{ deleted: boolean }> {
    const res = await this.orNull(`delete job ${namespace}/${name}`, () =>
      this.batch.deleteNamespacedJob(
        { name, namespace, propagationPolicy: "Background" },
        this.opts(),
      ),
    );
    return { deleted: res !== null };
  }

  // --- scale ----------------------------------------------------------------

  /**
   * Through the /scale subresource (autoscaling/v1 Scale,
   * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#get-read-scale-of-the-specified-deployment):
   * read spec.replicas, then merge-patch it when it differs. Helm's own fields
   * are untouched; the next `helm upgrade` sets the chart's replicas again.
   */
  async scaleWorkload(
    namespace: string,
    kind: "Deployment" | "StatefulSet",
    name: string,
    replicas: number,
  ): Promise<{ previousReplicas: number }> {
    const what = `scale ${kind} ${namespace}/${name}`;
    const params = { name, namespace };
    const current = await this.call(what, () =>
      kind === "Deployment"
        ? this.apps.readNamespacedDeploymentScale(params, this.opts())
        : this.apps.readNamespacedStatefulSetScale(params, this.opts()),
    );
    const previousReplicas = current.spec?.replicas ?? 0;
    if (previousReplicas !== replicas) {
      const body = { spec: { replicas } };
      const options = this.opts({ contentType: MERGE_PATCH });
      await this.call(what, () =>
        kind === "Deployment"
          ? this.apps.patchNamespacedDeploymentScale({ ...params, body }, options)
          : this.apps.patchNamespacedStatefulSetScale({ ...params, body }, options),
      );
    }
    return { previousReplicas };
  }

  // --- secrets --------------------------------------------------------------

  /**
   * Create the Secret once. If it already exists (409) it is left untouched:
   * generated credentials are never regenerated or overwritten.
   */
  async createSecretOnce(
    namespace: string,
    name: string,
    labels: Record<string, string>,
    data: Record<string, string>,
  ): Promise<{ created: boolean }> {
    try {
      await this.call(`create secret ${namespace}/${name}`, () =>
        this.core.createNamespacedSecret(
          {
            namespace,
            body: {
              apiVersion: "v1",
              kind: "Secret",
              type: "Opaque",
              metadata: {
                name,
                namespace,
                labels: { ...labels, [LABELS.managedBy]: PLATFORM_NAME },
              },
              stringData: data,
            },
          },
          this.opts(),
        ),
      );
      return { created: true };
    } catch (err) {
      if (isKubeError(err, "Conflict")) return { created: false };
      throw err;
    }
  }

  /**
   * GET through the API server's service proxy,
   * /api/v1/namespaces/{namespace}/services/{service}:{port}/proxy/{path}
   * (Kubernetes API reference, core/v1 Service "proxy" connect operations):
   * the API server forwards the request to one ready endpoint of the Service
   * and relays its answer. Returns the status the engine (or the proxy, e.g.
   * 503 "no endpoints available") answered and a short excerpt of the body;
   * throws only when the API server itself cannot be asked.
   */
  async getServiceProxy(
    namespace: string,
    service: string,
    port: string,
    path: string,
  ): Promise<{ status: number; excerpt: string }> {
    const what = `GET service ${namespace}/${service}:${port} proxy ${path}`;
    return this.call(what, async () => {
      try {
        const info = await this.core.connectGetNamespacedServiceProxyWithPathWithHttpInfo(
          { name: `${service}:${port}`, namespace, path: path.replace(/^\//, "") },
          this.opts(),
        );
        return { status: info.httpStatusCode, excerpt: excerptOf(info.data) };
      } catch (err) {
        // Any non-2xx answer: the engine's (or the proxy's) status is the result.
        if (err instanceof ApiException) return { status: err.code, excerpt: excerptOf(err.body) };
        // A 2xx whose body the generated client cannot parse (no or an odd
        // Content-Type): it only parses in its 2xx branch, so the answer was 2xx.
        if (
          err instanceof Error &&
          /Cannot parse content|is not supported by ObjectSerializer/.test(err.message)
        )
          return { status: 200, excerpt: "" };
        throw err;
      }
    });
  }

  /** Decoded data, or null when the Secret does not exist. */
  async readSecret(namespace: string, name: string): Promise<Record<string, string> | null> {
    const secret = await this.orNull(`read secret ${namespace}/${name}`, () =>
      this.core.readNamespacedSecret({ name, namespace }, this.opts()),
    );
    if (!secret) return null;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(secret.data ?? {})) {
      out[key] = Buffer.from(value, "base64").toString("utf8");
    }
    return out;
  }

  /**
   * Copy a Secret (type and data) into another namespace by server-side apply,
   * so the copy is created when absent and brought back in step when it
   * differs, in one call. Used for the registry pull Secret stores need: pods
   * can only name pull Secrets of their own namespace. The data is never logged
   * or put into an error message.
   */
  async copySecret(
    from: { namespace: string; name: string },
    toNamespace: string,
    labels: Record<string, string>,
  ): Promise<void> {
    const source = await this.orNull(`read secret ${from.namespace}/${from.name}`, () =>
      this.core.readNamespacedSecret({ name: from.name, namespace: from.namespace }, this.opts()),
    );
    if (!source)
      throw new KubeError(
        "NotFound",
        `Secret ${from.namespace}/${from.name} (the store image pull Secret) does not exist: create it, e.g. kubectl -n ${from.namespace} create secret docker-registry ${from.name} …`,
        { status: 404 },
      );
    const body = {
      apiVersion: "v1",
      kind: "Secret",
      type: source.type ?? "Opaque",
      metadata: {
        name: from.name,
        namespace: toNamespace,
        labels: { ...labels, [LABELS.managedBy]: PLATFORM_NAME },
      },
      data: source.data ?? {},
    };
    await this.call(`apply secret ${toNamespace}/${from.name}`, () =>
      this.core.patchNamespacedSecret(
        { name: from.name, namespace: toNamespace, body, fieldManager: FIELD_MANAGER, force: true },
        this.opts({ contentType: APPLY_PATCH }),
      ),
    );
  }

  /** Idempotent: a Secret already gone counts as deleted. */
  async deleteSecret(namespace: string, name: string): Promise<{ deleted: boolean }> {
    const res = await this.orNull(`delete secret ${namespace}/${name}`, () =>
      this.core.deleteNamespacedSecret({ name, namespace }, this.opts()),
    );
    return { deleted: res !== null };
  }

  // --- cluster-wide label-selected lists (the snapshot) ---------------------

  /**
   * One cluster-wide list with the resourceVersion it was read at: where a
   * watch of the same kind and selectors starts (watch/cluster-cache.ts).
   * Secrets come as metadata only, like listSecretMetadata.
   */
  async listPage(
    kind: ListKind,
    query: { labelSelector?: string; fieldSelector?: string },
  ): Promise<{ items: unknown[]; resourceVersion: string }> {
    const o = this.opts();
    const list = await this.call(`list ${kind}`, (): Promise<Listed> => {
      switch (kind) {
        case "namespaces":
          return this.core.listNamespace(query, o);
        case "resourcequotas":
          return this.core.listResourceQuotaForAllNamespaces(query, o);
        case "limitranges":
          return this.core.listLimitRangeForAllNamespaces(query, o);
        case "networkpolicies":
          return this.net.listNetworkPolicyForAllNamespaces(query, o);
        case "secrets":
          return this.core.listSecretForAllNamespaces(
            query,
            this.opts({ accept: METADATA_ONLY_LIST }),
          );
        case "deployments":
          return this.apps.listDeploymentForAllNamespaces(query, o);
        case "statefulsets":
          return this.apps.listStatefulSetForAllNamespaces(query, o);
        case "jobs":
          return this.batch.listJobForAllNamespaces(query, o);
        case "pods":
          return this.core.listPodForAllNamespaces(query, o);
        case "persistentvolumeclaims":
          return this.core.listPersistentVolumeClaimForAllNamespaces(query, o);
        case "events":
          return this.core.listEventForAllNamespaces(query, o);
      }
    });
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? "" };
  }

  async listNamespaces(labelSelector: string): Promise<V1Namespace[]> {
    const list = await this.call("list namespaces", () =>
      this.core.listNamespace({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  async listResourceQuotas(labelSelector: string): Promise<V1ResourceQuota[]> {
    const list = await this.call("list resourcequotas", () =>
      this.core.listResourceQuotaForAllNamespaces({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  async listLimitRanges(labelSelector: string): Promise<V1LimitRange[]> {
    const list = await this.call("list limitranges", () =>
      this.core.listLimitRangeForAllNamespaces({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  async listNetworkPolicies(labelSelector: string): Promise<V1NetworkPolicy[]> {
    const list = await this.call("list networkpolicies", () =>
      this.net.listNetworkPolicyForAllNamespaces({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  /**
   * Secrets as metadata only (PartialObjectMetadataList): used for Helm's
   * release Secrets (`owner=helm`) and our own credential Secrets, whose
   * payloads the snapshot must never fetch.
   */
  async listSecretMetadata(labelSelector: string, namespace?: string): Promise<SecretMeta[]> {
    const options = this.opts({ accept: METADATA_ONLY_LIST });
    const list = await this.call("list secrets", () =>
      namespace
        ? this.core.listNamespacedSecret({ namespace, labelSelector }, options)
        : this.core.listSecretForAllNamespaces({ labelSelector }, options),
    );
    return list.items.map((s) => ({
      name: s.metadata?.name ?? "",
      namespace: s.metadata?.namespace ?? "",
      labels: s.metadata?.labels ?? {},
    }));
  }

  async listDeployments(
    labelSelector: string | undefined,
    namespace?: string,
  ): Promise<V1Deployment[]> {
    const list = await this.call("list deployments", () =>
      namespace
        ? this.apps.listNamespacedDeployment({ namespace, labelSelector }, this.opts())
        : this.apps.listDeploymentForAllNamespaces({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  async listStatefulSets(
    labelSelector: string | undefined,
    namespace?: string,
  ): Promise<V1StatefulSet[]> {
    const list = await this.call("list statefulsets", () =>
      namespace
        ? this.apps.listNamespacedStatefulSet({ namespace, labelSelector }, this.opts())
        : this.apps.listStatefulSetForAllNamespaces({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  async listJobs(labelSelector: string | undefined, namespace?: string): Promise<V1Job[]> {
    const list = await this.call("list jobs", () =>
      namespace
        ? this.batch.listNamespacedJob({ namespace, labelSelector }, this.opts())
        : this.batch.listJobForAllNamespaces({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  async listPods(labelSelector: string | undefined, namespace?: string): Promise<V1Pod[]> {
    const list = await this.call("list pods", () =>
      namespace
        ? this.core.listNamespacedPod({ namespace, labelSelector }, this.opts())
        : this.core.listPodForAllNamespaces({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  async listPvcs(
    labelSelector: string | undefined,
    namespace?: string,
  ): Promise<V1PersistentVolumeClaim[]> {
    const list = await this.call("list persistentvolumeclaims", () =>
      namespace
        ? this.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector }, this.opts())
        : this.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector }, this.opts()),
    );
    return list.items;
  }

  /**
   * Warning events. Events carry no labels of ours, so they are selected by
   * field (type=Warning) and filtered to managed namespaces by the caller.
   */
  async listWarningEvents(namespace?: string): Promise<CoreV1Event[]> {
    const fieldSelector = "type=Warning";
    const list = await this.call("list events", () =>
      namespace
        ? this.core.listNamespacedEvent({ namespace, fieldSelector }, this.opts())
        : this.core.listEventForAllNamespaces({ fieldSelector }, this.opts()),
    );
    return list.items;
  }
}

/** The first line of a proxied answer (or of a Status's message), for a reason a human reads. */
function excerptOf(body: unknown): string {
  let text = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
  try {
    const parsed = JSON.parse(text) as { kind?: unknown; message?: unknown };
    if (parsed?.kind === "Status" && typeof parsed.message === "string") text = parsed.message;
  } catch {
    // not JSON: the text itself
  }
  return text.split("\n")[0]?.trim().slice(0, 160) ?? "";
}
