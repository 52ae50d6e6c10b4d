// Walks rendered objects down to their pod specs and containers, so policy
// tests state rules once for Deployments, StatefulSets and Jobs alike.
import type { K8sObject } from "./helm.ts";

export const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);

// biome-ignore lint/suspicious/noExplicitAny: pod specs are read loosely and asserted on
export type Json = any;

export function podSpec(object: K8sObject): Json | undefined {
  if (object.kind === "CronJob") return object.spec?.jobTemplate?.spec?.template?.spec;
  if (WORKLOAD_KINDS.has(object.kind)) return object.spec?.template?.spec;
  return undefined;
}

export interface ContainerRef {
  owner: string;
  isJob: boolean;
  init: boolean;
  container: Json;
  pod: Json;
}

export function containers(objects: K8sObject[]): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const object of objects) {
    const pod = podSpec(object);
    if (!pod) continue;
    const owner = `${object.kind}/${object.metadata.name}`;
    const isJob = object.kind === "Job" || object.kind === "CronJob";
    for (const container of pod.initContainers ?? [])
      out.push({ owner, isJob, init: true, container, pod });
    for (const container of pod.containers ?? [])
      out.push({ owner, isJob, init: false, container, pod });
  }
  return out;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** Kubernetes quantity to a number (cores or bytes). */
export function quantity(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(value);
  if (!match) throw new Error(`not a quantity: ${value}`);
  const [, digits, suffix = ""] = match;
  const factor = suffix === "" ? 1 : (BINARY[suffix] ?? DECIMAL[suffix]);
  if (factor === undefined) throw new Error(`unknown quantity suffix in ${value}`);
  return Number(digits) * factor;
}

/**
 * What one pod counts against a ResourceQuota: the larger of the sum of its
 * containers and its largest init container (Kubernetes' effective request).
 */
export function podUsage(
  pod: Json,
  field: "requests" | "limits",
  resource: "cpu" | "memory",
): number {
  const sum = (pod.containers ?? []).reduce(
    (total: number, c: Json) => total + quantity(c.resources?.[field]?.[resource] ?? 0),
    0,
  );
  const init = Math.max(
    0,
    ...(pod.initContainers ?? []).map((c: Json) => quantity(c.resources?.[field]?.[resource] ?? 0)),
  );
  return Math.max(sum, init);
}

export function replicas(object: K8sObject): number {
  if (object.kind === "Job" || object.kind === "CronJob") return 1;
  return object.spec?.replicas ?? 1;
}

/** Extra pods a rolling update runs at once (Deployment maxSurge; default 25%, rounded up). */
export function surge(object: K8sObject): number {
  if (object.kind !== "Deployment" || object.spec?.strategy?.type === "Recreate") return 0;
  const value = object.spec?.strategy?.rollingUpdate?.maxSurge ?? "25%";
  if (typeof value === "number") return value;
  const percent = /^(\d+)%$/.exec(String(value));
  return percent ? Math.ceil((replicas(object) * Number(percent[1])) / 100) : Number(value);
}
