// What a set of rendered objects counts against a ResourceQuota at its peak, as
// the quota admission plugin counts it (pkg/quota/v1/evaluator/core/pods.go):
// every pod that is not Succeeded or Failed counts, each with its effective
// request/limit: the larger of its largest init container and the sum of its
// app containers. At peak the setup Job's pod runs beside every long-lived
// pod, and a Deployment's rolling update adds its surge pods.
import type { K8sObject } from "./helm.ts";
import { type Json, podSpec, podUsage, quantity, replicas, surge } from "./workloads.ts";

export const QUOTA_KEYS = [
  "requests.cpu",
  "limits.cpu",
  "requests.memory",
  "limits.memory",
  "requests.storage",
  "persistentvolumeclaims",
  "pods",
] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];
export type Usage = Record<QuotaKey, number>;

/** Pods one workload object runs at once at its peak. */
export function peakPods(object: K8sObject): number {
  if (object.kind === "Job") return object.spec?.parallelism ?? 1;
  return replicas(object) + surge(object);
}

function claims(objects: K8sObject[]): Json[] {
  return [
    ...objects.filter((o) => o.kind === "PersistentVolumeClaim").map((o) => o.spec),
    ...objects.flatMap((o) =>
      o.kind === "StatefulSet"
        ? (o.spec.volumeClaimTemplates ?? []).flatMap((t: Json) =>
            Array.from({ length: replicas(o) }, () => t.spec),
          )
        : [],
    ),
  ];
}

export function peakUsage(objects: K8sObject[]): Usage {
  const usage: Usage = Object.fromEntries(QUOTA_KEYS.map((k) => [k, 0])) as Usage;
  for (const object of objects) {
    const pod = podSpec(object);
    if (!pod) continue;
    const n = peakPods(object);
    usage.pods += n;
    for (const field of ["requests", "limits"] as const)
      for (const resource of ["cpu", "memory"] as const)
        usage[`${field}.${resource}`] += n * podUsage(pod, field, resource);
  }
  for (const claim of claims(objects)) {
    usage.persistentvolumeclaims += 1;
    usage["requests.storage"] += quantity(claim.resources?.requests?.storage ?? 0);
  }
  return usage;
}
