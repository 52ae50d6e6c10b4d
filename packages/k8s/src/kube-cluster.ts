// The real Cluster: client-node for everything the API server can answer,
// the helm CLI for releases. Errors surface as KubeError / HelmError, both
// with a `transient` flag the controller uses to requeue or give up.
import type { KubeConfig } from "@kubernetes/client-node";
import pino, { type Logger } from "pino";
import { isKubeError } from "./client/errors.ts";
import { DEFAULT_TIMEOUT_MS, KubeClient, type SecretMeta } from "./client/kube-client.ts";
import { loadDefaultKubeConfig, missingKubeconfigMessage } from "./client/kubeconfig.ts";
import type { Cluster, ClusterInfo, ClusterSnapshot, HelmReleaseStatus } from "./cluster.ts";
import type { Helm } from "./helm/helm.ts";
import { toReleaseStatus } from "./helm/parse.ts";
import { chooseRollbackRevision } from "./helm/rollback-target.ts";
import { buildSnapshot, readSnapshotLists } from "./observe/build-snapshot.ts";
import { jobToState, podsTerminationReason } from "./observe/to-state.ts";
import { HELM_RELEASE_SELECTOR, LABELS } from "./store-contract.ts";
import { ClusterCache } from "./watch/cluster-cache.ts";
import { RecentWrites, withFreshNamespaces } from "./watch/fresh-reads.ts";

export interface KubeClusterOptions {
  /** Default: $KUBECONFIG / ~/.kube/config / in-cluster service account. */
  kubeConfig?: KubeConfig;
  helm: Helm;
  logger?: Logger;
  /** Per-request API timeout (default 10 s). */
  timeoutMs?: number;
  /** Selector for the engine charts' objects (default STORE_WORKLOAD_SELECTOR). */
  workloadSelector?: string;
  /**
   * Aborting it ends every in-flight helm process (SIGTERM, then SIGKILL), in
   * addition to each call's own signal. The controller's shutdown aborts only
   * after its grace period, so helm normally finishes and no release is left
   * pending-*.
   */
  helmSignal?: AbortSignal;
  /** helm --timeout for rollbacks and uninstalls (default 300 s). */
  helmTimeoutSeconds?: number;
  /**
   * Serve snapshots from a watch-based cache (default true): list once, then
   * watch. false lists every kind on every snapshot (one-off tools, tests of
   * the list calls themselves).
   */
  watchCache?: boolean;
}

const PENDING: ReadonlySet<HelmReleaseStatus> = new Set([
  "pending-install",
  "pending-upgrade",
  "pending-rollback",
]);

export async function clusterInfo(client: KubeClient): Promise<ClusterInfo> {
  const { context, server } = client.target;
  const missing = missingKubeconfigMessage(client.target);
  if (missing)
    return { mode: "kube", reachable: false, context: null, server: null, message: missing };
  try {
    const version = await client.serverVersion();
    return {
      mode: "kube",
      reachable: true,
      context,
      server,
      message: `connected to ${server ?? "the cluster"} (Kubernetes ${version})`,
    };
  } catch (err) {
    const reason = isKubeError(err) ? err.message : String(err);
    return { mode: "kube", reachable: false, context, server, message: `unreachable: ${reason}` };
  }
}

interface Revision {
  secret: string;
  version: number;
  status: HelmReleaseStatus;
  valuesDigest: string | null;
}

function revisions(secrets: SecretMeta[]): Revision[] {
  return secrets
    .map((s) => ({
      secret: s.name,
      version: Number.parseInt(s.labels.version ?? "", 10),
      status: toReleaseStatus(s.labels.status),
      valuesDigest: s.labels[LABELS.valuesDigest] ?? null,
    }))
    .filter((r) => Number.isFinite(r.version))
    .sort((a, b) => a.version - b.version);
}

export interface KubeCluster extends Cluster {
  /** The watch cache's counters (lists, relists, watches, events, bookmarks); null without the cache. */
  watchStats(): ReturnType<ClusterCache["stats"]> | null;
}

export function createKubeCluster(options: KubeClusterOptions): KubeCluster {
  const kc = options.kubeConfig ?? loadDefaultKubeConfig();
  const client = new KubeClient(kc, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  const logger = (options.logger ?? pino({ level: "silent" })).child({ cluster: "kube" });
  const { helm } = options;
  const helmTimeoutSeconds = options.helmTimeoutSeconds ?? 300;
  // A call's own signal (ClusterCallOptions) and the cluster-wide one both end helm.
  const signalFor = (call?: AbortSignal): AbortSignal | undefined => {
    const signals = [call, options.helmSignal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  };

  const cache = options.watchCache === false ? null : new ClusterCache(client, kc, logger);
  // Namespaces written by this process are read from the API server for a
  // while after, not from the cache the write has not reached yet (fresh-reads.ts).
  const recent = new RecentWrites();
  const writing = async <T>(namespace: string, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } finally {
      recent.wrote(namespace);
    }
  };

  return {
    mode: "kube",

    info: () => clusterInfo(client),

    async snapshot(scope): Promise<ClusterSnapshot> {
      const namespaces = scope?.namespaces ?? null;
      const source = cache
        ? withFreshNamespaces(cache.source(namespaces), client, recent.within(namespaces))
        : client;
      const lists = await readSnapshotLists(source, {
        workloadSelector: options.workloadSelector,
      });
      return buildSnapshot(lists);
    },

    ...(cache ? { onStoreChanged: (listener) => cache.onStoreChanged(listener) } : {}),

    close: async () => cache?.stop(),

    watchStats: () => cache?.stats() ?? null,

    async ensureNamespace({ name, labels }) {
      const outcome = await writing(name, () => client.ensureNamespace(name, labels));
      if (outcome !== "unchanged") logger.info({ namespace: name, outcome }, "namespace ensured");
    },

    async applyObjects(namespace, objects) {
      // Sequential: a quota applied before the policies is what the policies assume.
      for (const obj of objects) {
        if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
          throw new Error(
            `${obj.kind}/${obj.metadata.name} belongs to ${obj.metadata.namespace}, not ${namespace}`,
          );
        }
        await writing(namespace, () => client.apply(namespace, obj));
      }
      logger.debug({ namespace, count: objects.length }, "objects applied");
    },

    async readJob(namespace, name) {
      const job = await client.readJob(namespace, name);
      if (!job) return null;
      const state = jobToState(job);
      if (state.failed === 0 && !state.failedReason) return state;
      // A failed Job's pods say why: the script's termination message. The
      // Job controller labels its pods job-name=<job>
      // (kubernetes.io/docs/concepts/workloads/controllers/job/). Without
      // them the Job's own reason still stands.
      try {
        const pods = await client.listPods(`job-name=${name}`, namespace);
        return { ...state, scriptReason: podsTerminationReason(pods) };
      } catch (error) {
        logger.warn({ namespace, job: name, err: error }, "failed job's pods not read");
        return { ...state, scriptReason: null };
      }
    },

    async deleteJob(namespace, name) {
      const result = await writing(namespace, () => client.deleteJob(namespace, name));
      logger.info({ namespace, job: name, alreadyGone: !result.deleted }, "job deleted");
      return result;
    },

    async scaleWorkload(namespace, kind, name, replicas) {
      const result = await writing(namespace, () =>
        client.scaleWorkload(namespace, kind, name, replicas),
      );
      logger.info(
        { namespace, kind, name, replicas, previousReplicas: result.previousReplicas },
        "workload scaled",
      );
      return result;
    },

    async ensureSecret(namespace, name, labels, generate) {
      const result = await writing(namespace, () =>
        client.createSecretOnce(namespace, name, labels, generate()),
      );
      // Name only: the generated data is never logged.
      logger.info({ namespace, secretName: name, created: result.created }, "secret ensured");
      return result;
    },

    readSecret: (namespace, name) => client.readSecret(namespace, name),

    async copySecret(from, toNamespace, labels) {
      await writing(toNamespace, () => client.copySecret(from, toNamespace, labels));
      // Names only: the data is never logged.
      logger.info(
        { from: `${from.namespace}/${from.name}`, namespace: toNamespace },
        "secret copied",
      );
    },

    async installRelease(spec, opts) {
      const log = logger.child({ namespace: spec.namespace, release: spec.release });
      log.info({ chart: spec.chart, valuesDigest: spec.valuesDigest }, "helm upgrade --install");
      const info = await writing(spec.namespace, () =>
        helm.upgradeInstall(spec, { signal: signalFor(opts?.signal) }),
      );
      log.info({ revision: info?.revision, status: info?.status }, "helm upgrade --install done");
    },

    async unlockRelease(namespace, release, opts) {
      const log = logger.child({ namespace, release });
      const secrets = await client.listSecretMetadata(
        `${HELM_RELEASE_SELECTOR},name=${release}`,
        namespace,
      );
      const revs = revisions(secrets);
      const latest = revs.at(-1);
      if (!latest || !PENDING.has(latest.status)) {
        log.info({ status: latest?.status ?? "absent" }, "release not pending: nothing to unlock");
        return;
      }
      const lastDeployed = revs
        .filter((r) => r.version < latest.version && r.status === "deployed")
        .at(-1);
      if (lastDeployed) {
        log.warn(
          { from: latest.version, to: lastDeployed.version },
          "rolling back a pending release",
        );
        await helm.rollback(namespace, release, lastDeployed.version, {
          signal: signalFor(opts?.signal),
          timeoutSeconds: helmTimeoutSeconds,
        });
        return;
      }
      // Never deployed (or nothing to return to): drop the pending revisions
      // so the next `upgrade --install` starts clean; Helm adopts the objects
      // the dead process created, since they carry this release's annotations.
      for (const r of revs.filter((x) => PENDING.has(x.status))) {
        log.warn({ revision: r.version, status: r.status }, "deleting a pending release Secret");
        await writing(namespace, () => client.deleteSecret(namespace, r.secret));
      }
    },

    async rollbackRelease(namespace, release, target, opts) {
      const log = logger.child({ namespace, release });
      // The history from the release Secrets' labels (metadata only: their
      // data holds the values), as unlockRelease reads it.
      const secrets = await client.listSecretMetadata(
        `${HELM_RELEASE_SELECTOR},name=${release}`,
        namespace,
      );
      const choice = chooseRollbackRevision(revisions(secrets), target.valuesDigest);
      if (choice.outcome !== "rollback") {
        log.info({ outcome: choice.outcome }, "no helm rollback needed or possible");
        return choice;
      }
      log.warn({ from: choice.from, to: choice.to }, "helm rollback");
      await writing(namespace, () =>
        helm.rollback(namespace, release, choice.to, {
          signal: signalFor(opts?.signal),
          timeoutSeconds: helmTimeoutSeconds,
        }),
      );
      // helm rollback writes revision latest + 1 (pkg/action/rollback.go).
      return {
        outcome: "rolled-back",
        from: choice.from,
        to: choice.to,
        revision: choice.from + 1,
      };
    },

    async uninstallRelease(namespace, release, opts) {
      const { outcome } = await writing(namespace, () =>
        helm.uninstall(namespace, release, {
          signal: signalFor(opts?.signal),
          timeoutSeconds: helmTimeoutSeconds,
        }),
      );
      logger.info({ namespace, release, outcome }, "helm uninstall");
    },

    async checkServiceHealth(namespace, target) {
      const { status, excerpt } = await client.getServiceProxy(
        namespace,
        target.service,
        target.port,
        target.path,
      );
      const ok = status >= 200 && status < 400;
      logger.debug({ namespace, ...target, status, ok }, "service health checked");
      return { ok, status, excerpt };
    },

    async deleteNamespace(name) {
      const { deleted } = await writing(name, () => client.deleteNamespace(name));
      logger.info({ namespace: name, alreadyGone: !deleted }, "namespace deletion requested");
    },
  };
}
