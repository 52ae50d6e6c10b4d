// Helm, as a small state machine over the object store: releases live in
// Secrets exactly where and how Helm's Secret storage driver keeps them
// (helm pkg/storage/driver/secrets.go: name `sh.helm.release.v1.<name>.v<rev>`,
// type `helm.sh/release.v1`, labels owner=helm, name, status, version plus
// the `--labels` given; data.release = base64(gzip(JSON))). Every step that
// helm records before doing the work is written first, so a process killed
// mid-step leaves what a killed helm leaves (a `pending-*` revision).
// Failures come back through helm's own stderr wording and the real
// stderr → error mapping (helm/errors.ts), so the controller sees the same
// HelmError kinds as with the real binary.
import { gunzipSync, gzipSync } from "node:zlib";
import type { HelmReleaseStatus, ReleaseSpec } from "../cluster.ts";
import type { HelmError } from "../helm/errors.ts";
import { helmErrorFrom } from "../helm/errors.ts";
import { toReleaseStatus } from "../helm/parse.ts";
import { HELM_RELEASE_SELECTOR, LABELS } from "../store-contract.ts";
import { ChartNotLoadable, type ChartPlan, loadChart, renderChart } from "./charts.ts";
import type { ObjectAccess, SimObject } from "./object-store.ts";

export interface Revision {
  secret: SimObject;
  version: number;
  status: HelmReleaseStatus;
}

export const PENDING: ReadonlySet<HelmReleaseStatus> = new Set([
  "pending-install",
  "pending-upgrade",
  "pending-rollback",
]);

export const releaseSecretName = (release: string, version: number) =>
  `sh.helm.release.v1.${release}.v${version}`;

/** What helm keeps per revision; enough to roll back to it or uninstall it. */
interface StoredRelease {
  name: string;
  namespace: string;
  version: number;
  chartPath: string;
  chart: { name: string; version: string };
  config: Record<string, unknown>;
  /** `kind/name` of every object the revision rendered. */
  manifest: string[];
  info: { status: HelmReleaseStatus; description: string };
}

function encode(release: StoredRelease): string {
  const inner = gzipSync(JSON.stringify(release)).toString("base64");
  return Buffer.from(inner).toString("base64"); // Secret.data is base64 of helm's own base64.
}

export function helmFailure(command: string, stderr: string): HelmError {
  return helmErrorFrom(command, stderr, 1);
}

export class SimulatedHelm {
  constructor(
    private readonly store: ObjectAccess,
    /** Deletes with garbage collection and finalizers (lifecycle.ts). */
    private readonly remove: (o: SimObject) => void,
  ) {}

  revisions(namespace: string, release: string): Revision[] {
    return this.store
      .list("Secret", { namespace, labelSelector: `${HELM_RELEASE_SELECTOR},name=${release}` })
      .map((secret) => ({
        secret,
        version: Number(secret.metadata.labels?.version),
        status: toReleaseStatus(secret.metadata.labels?.status),
      }))
      .filter((r) => Number.isFinite(r.version))
      .sort((a, b) => a.version - b.version);
  }

  /** Namespaces holding at least one release Secret. */
  releaseCount(): number {
    const names = new Set<string>();
    for (const s of this.store.list("Secret", { labelSelector: HELM_RELEASE_SELECTOR }))
      names.add(`${s.metadata.namespace}/${s.metadata.labels?.name}`);
    return names.size;
  }

  /** Helm refuses to act on a namespace it cannot write into; these are its errors. */
  private requireWritable(command: string, namespace: string): void {
    const ns = this.store.get("Namespace", undefined, namespace);
    if (!ns)
      throw helmFailure(
        command,
        `Error: create: failed to create: namespaces "${namespace}" not found`,
      );
    if (ns.metadata.deletionTimestamp)
      throw helmFailure(
        command,
        `Error: create: failed to create: secrets "${releaseSecretName("x", 1)}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
  }

  private writeRevision(stored: StoredRelease, digest: string | null): void {
    const labels: Record<string, string> = {
      owner: "helm",
      name: stored.name,
      status: stored.info.status,
      version: String(stored.version),
    };
    if (digest) labels[LABELS.valuesDigest] = digest;
    this.store.put({
      apiVersion: "v1",
      kind: "Secret",
      type: "helm.sh/release.v1",
      metadata: {
        name: releaseSecretName(stored.name, stored.version),
        namespace: stored.namespace,
        labels,
      },
      data: { release: encode(stored) },
    });
  }

  private setStatus(r: Revision, status: HelmReleaseStatus): void {
    this.store.put({
      ...r.secret,
      metadata: { ...r.secret.metadata, labels: { ...r.secret.metadata.labels, status } },
    });
  }

  /**
   * First half of `helm upgrade --install`: refuse a locked release, load the
   * chart, record the new revision as pending-install / pending-upgrade.
   */
  beginInstall(spec: ReleaseSpec): { version: number; plan: ChartPlan } {
    const command = "upgrade";
    this.requireWritable(command, spec.namespace);
    const revs = this.revisions(spec.namespace, spec.release);
    const latest = revs.at(-1);
    // helm pkg/action/upgrade.go: errPending.
    if (latest && PENDING.has(latest.status))
      throw helmFailure(
        command,
        "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
      );
    let plan: ChartPlan;
    try {
      plan = loadChart(spec.chart);
    } catch (error) {
      if (error instanceof ChartNotLoadable) throw helmFailure(command, error.stderr);
      throw error;
    }
    const deployedBefore = revs.some((r) => r.status === "deployed" || r.status === "superseded");
    const version = (latest?.version ?? 0) + 1;
    this.writeRevision(
      {
        name: spec.release,
        namespace: spec.namespace,
        version,
        chartPath: spec.chart,
        chart: { name: plan.name, version: plan.version },
        config: spec.values,
        manifest: [],
        info: {
          status: deployedBefore ? "pending-upgrade" : "pending-install",
          description: deployedBefore ? "Preparing upgrade" : "Initial install underway",
        },
      },
      spec.valuesDigest,
    );
    return { version, plan };
  }

  /** Second half: apply the rendered objects, drop the ones the new manifest no longer has, mark deployed. */
  completeInstall(spec: ReleaseSpec, version: number, plan: ChartPlan): void {
    const store = spec.values.store as { id?: string; name?: string; host?: string } | undefined;
    const objects = renderChart(plan, {
      release: spec.release,
      namespace: spec.namespace,
      revision: version,
      store: store ?? {},
      suspended: spec.values.suspended === true,
    });
    this.applyManifest(spec.namespace, spec.release, objects);
    this.finish(
      spec.namespace,
      spec.release,
      version,
      "deployed",
      objects,
      version === 1 ? "Install complete" : "Upgrade complete",
    );
  }

  /** helm catches SIGTERM and records the release as failed (pkg/action/upgrade.go, "context canceled"). */
  failRevision(namespace: string, release: string, version: number): void {
    const r = this.revisions(namespace, release).find((x) => x.version === version);
    if (r) this.setStatus(r, "failed");
  }

  /** First half of `helm rollback <to>`: a new revision, pending-rollback. */
  beginRollback(namespace: string, release: string, to: number): number {
    const command = "rollback";
    this.requireWritable(command, namespace);
    const revs = this.revisions(namespace, release);
    const target = revs.find((r) => r.version === to);
    if (!target) throw helmFailure(command, `Error: release: not found`);
    const version = (revs.at(-1)?.version ?? 0) + 1;
    const stored = this.decode(target.secret);
    this.writeRevision(
      {
        ...stored,
        version,
        info: { status: "pending-rollback", description: `Rollback to ${to}` },
      },
      target.secret.metadata.labels?.[LABELS.valuesDigest] ?? null,
    );
    return version;
  }

  completeRollback(namespace: string, release: string, version: number, to: number): void {
    const target = this.revisions(namespace, release).find((r) => r.version === to);
    if (!target) return;
    const stored = this.decode(target.secret);
    const plan = loadChart(stored.chartPath);
    const objects = renderChart(plan, {
      release,
      namespace,
      revision: to,
      store: (stored.config.store ?? {}) as Record<string, string>,
      suspended: stored.config.suspended === true,
    });
    this.applyManifest(namespace, release, objects);
    this.finish(namespace, release, version, "deployed", objects, `Rollback to ${to}`);
  }

  /**
   * `helm uninstall` without --keep-history: mark uninstalling, delete what
   * the release rendered (the StatefulSets' PVCs go by their own retention
   * policy, not by helm), then every release Secret. False when not found.
   */
  uninstall(namespace: string, release: string): boolean {
    const revs = this.revisions(namespace, release);
    const latest = revs.at(-1);
    if (!latest) return false;
    this.setStatus(latest, "uninstalling");
    const deployed = [...revs].reverse().find((r) => r.status === "deployed") ?? latest;
    for (const ref of this.decode(deployed.secret).manifest) {
      const [kind, name] = ref.split("/") as [string, string];
      const o = this.store.get(kind, namespace, name);
      if (o) this.remove(o);
    }
    for (const r of revs) this.store.delete("Secret", namespace, r.secret.metadata.name);
    return true;
  }

  /** A pending revision with nothing behind it, as a helm process killed right after recording it leaves. */
  strand(namespace: string, release: string, status: "pending-install" | "pending-upgrade"): void {
    const latest = this.revisions(namespace, release).at(-1);
    const base = latest ? this.decode(latest.secret) : null;
    const version = (latest?.version ?? 0) + 1;
    this.writeRevision(
      {
        name: release,
        namespace,
        version,
        chartPath: base?.chartPath ?? "",
        chart: base?.chart ?? { name: "", version: "" },
        config: base?.config ?? {},
        manifest: [],
        info: {
          status,
          description:
            status === "pending-install" ? "Initial install underway" : "Preparing upgrade",
        },
      },
      latest?.secret.metadata.labels?.[LABELS.valuesDigest] ?? null,
    );
  }

  /** Deletes the release Secret of one revision (the controller's unlock of a never-deployed release). */
  deleteRevision(namespace: string, release: string, version: number): void {
    this.store.delete("Secret", namespace, releaseSecretName(release, version));
  }

  private applyManifest(namespace: string, release: string, objects: SimObject[]): void {
    const keep = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    const previous = this.revisions(namespace, release).filter((r) => r.status === "deployed");
    for (const r of previous)
      for (const ref of this.decode(r.secret).manifest) {
        if (keep.has(ref)) continue;
        const [kind, name] = ref.split("/") as [string, string];
        const o = this.store.get(kind, namespace, name);
        if (o) this.remove(o);
      }
    for (const o of objects) {
      const existing = this.store.get(o.kind, namespace, o.metadata.name);
      // Status belongs to the controllers; helm writes spec and metadata.
      this.store.put(existing ? { ...o, status: existing.status } : o);
    }
  }

  private finish(
    namespace: string,
    release: string,
    version: number,
    status: HelmReleaseStatus,
    objects: SimObject[],
    description: string,
  ): void {
    for (const r of this.revisions(namespace, release)) {
      if (r.version === version) {
        const stored = this.decode(r.secret);
        this.writeRevision(
          {
            ...stored,
            manifest: objects.map((o) => `${o.kind}/${o.metadata.name}`),
            info: { status, description },
          },
          r.secret.metadata.labels?.[LABELS.valuesDigest] ?? null,
        );
      } else if (r.status === "deployed" || PENDING.has(r.status)) {
        this.setStatus(r, "superseded");
      }
    }
  }

  private decode(secret: SimObject): StoredRelease {
    const inner = Buffer.from(secret.data.release, "base64").toString("utf8");
    return JSON.parse(gunzipSync(Buffer.from(inner, "base64")).toString("utf8"));
  }
}
