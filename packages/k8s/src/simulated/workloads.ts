// Workload progression, as the Deployment, StatefulSet, Job and kubelet
// controllers would do it: pods are created from the workloads' templates,
// pull their images, start, become ready, crash or complete as time passes,
// and the workloads' status and Kubernetes Events follow. Faults (an image
// the registry does not have, a crashing app container, a finalizer nobody
// removes) change what happens to the objects, never how they are read.
import { createHash } from "node:crypto";
import { PVC_PROTECTION } from "./charts.ts";
import { recordEvent } from "./events.ts";
import type { Faults } from "./faults.ts";
import type { ObjectAccess, SimObject } from "./object-store.ts";
import { type Container, type PodOutcome, podStatus, type WorkloadTimings } from "./pod-status.ts";

export type { WorkloadTimings } from "./pod-status.ts";

// The engine's own app: the `web` component (wordpress, medusa). Image-pull
// and crash-loop faults hit it, as a bad image tag or a bad plugin would.
const APP_COMPONENT = "web";
const COMPONENT = "app.kubernetes.io/component";

const short = (text: string, n: number) =>
  createHash("sha1").update(text).digest("hex").slice(0, n);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function isApp(w: SimObject): boolean {
  return w.metadata.labels?.[COMPONENT] === APP_COMPONENT;
}

/** The containers a pod of `w` runs now: the template's, with a faulty image swapped in. */
function effectiveContainers(w: SimObject, faults: Faults, namespace: string): Container[] {
  const containers: Container[] = w.spec?.template?.spec?.containers ?? [];
  const chart = w.spec?.template?.metadata?.labels?.["helm.sh/chart"];
  const bad = faults.unpullable.get(namespace) ?? (chart && faults.unpullableCharts.get(chart));
  if (!bad || !isApp(w)) return containers;
  return containers.map((c, i) => (i === 0 ? { ...c, image: bad } : c));
}

function podFor(
  owner: SimObject,
  name: string,
  hash: string,
  containers: Container[],
  ownerRef: SimObject["metadata"]["ownerReferences"],
): SimObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...(owner.spec?.template?.metadata?.labels ?? {}), "pod-template-hash": hash },
      ownerReferences: ownerRef,
    },
    spec: { containers },
    status: { phase: "Pending" },
  };
}

/** Writes the pod's new status when it changed, recording the events of the change. */
function settlePod(store: ObjectAccess, pod: SimObject, outcome: PodOutcome, now: number): void {
  if (same(pod.status, outcome.status)) return;
  const updated = store.put({ ...pod, status: outcome.status });
  for (const e of outcome.events)
    recordEvent(store, now, { involved: updated, component: "kubelet", ...e });
}

function createPod(store: ObjectAccess, pod: SimObject, now: number): SimObject {
  const created = store.put(pod);
  recordEvent(store, now, {
    involved: created,
    type: "Normal",
    reason: "Scheduled",
    message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to simulated-node`,
    component: "default-scheduler",
  });
  return created;
}

/**
 * One replica per workload, as the charts ask, or none when scaled to zero (a
 * suspended store): its pods go, its volumes stay. True when settled.
 */
function progressWorkload(
  store: ObjectAccess,
  w: SimObject,
  faults: Faults,
  now: number,
  t: WorkloadTimings,
): boolean {
  const namespace = w.metadata.namespace as string;
  const containers = effectiveContainers(w, faults, namespace);
  const hash = short(JSON.stringify(containers), 10);
  const sts = w.kind === "StatefulSet";
  const owned = store.list("Pod", { namespace }).filter((p) => {
    const ref = p.metadata.ownerReferences?.[0];
    return sts
      ? ref?.kind === "StatefulSet" && ref.name === w.metadata.name
      : ref?.kind === "ReplicaSet" &&
          ref.name === `${w.metadata.name}-${p.metadata.labels?.["pod-template-hash"]}`;
  });
  if (w.spec?.replicas === 0) {
    for (const p of owned) store.delete("Pod", namespace, p.metadata.name);
    const scaledDown = { replicas: 0, readyReplicas: 0, availableReplicas: 0 };
    if (!same(w.status, scaledDown)) store.put({ ...w, status: scaledDown });
    return true;
  }
  // A changed template replaces the pod (a rollout with one replica).
  for (const p of owned)
    if (p.metadata.labels?.["pod-template-hash"] !== hash)
      store.delete("Pod", namespace, p.metadata.name);
  let pod = owned.find((p) => p.metadata.labels?.["pod-template-hash"] === hash);
  if (sts) ensureClaims(store, w);
  if (!pod) {
    const name = sts
      ? `${w.metadata.name}-0`
      : `${w.metadata.name}-${hash}-${short(`${namespace}/${hash}`, 5)}`;
    const ref = sts
      ? [
          {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            name: w.metadata.name,
            uid: w.metadata.uid,
            controller: true,
          },
        ]
      : [
          {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            name: `${w.metadata.name}-${hash}`,
            controller: true,
          },
        ];
    pod = createPod(store, podFor(w, name, hash, containers, ref), now);
  }
  const outcome = podStatus(pod, now, faults, isApp(w) && faults.crashLooping.has(namespace), t);
  settlePod(store, pod, outcome, now);
  const status = {
    replicas: 1,
    readyReplicas: outcome.ready ? 1 : 0,
    availableReplicas: outcome.ready ? 1 : 0,
  };
  if (!same(w.status, status)) store.put({ ...w, status });
  return outcome.ready;
}

/** volumeClaimTemplates → PVCs owned by the StatefulSet (retention policy Delete). */
function ensureClaims(store: ObjectAccess, w: SimObject): void {
  const namespace = w.metadata.namespace as string;
  for (const tpl of w.spec?.volumeClaimTemplates ?? []) {
    const name = `${tpl.metadata.name}-${w.metadata.name}-0`;
    if (store.get("PersistentVolumeClaim", namespace, name)) continue;
    store.put({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name,
        namespace,
        labels: tpl.metadata.labels,
        finalizers: [PVC_PROTECTION],
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            name: w.metadata.name,
            uid: w.metadata.uid,
          },
        ],
      },
      spec: {},
      status: { phase: "Bound" },
    });
  }
}

function progressJob(
  store: ObjectAccess,
  job: SimObject,
  now: number,
  t: WorkloadTimings,
): boolean {
  const namespace = job.metadata.namespace as string;
  const name = `${job.metadata.name}-${short(`${namespace}/${job.metadata.uid}`, 5)}`;
  let pod = store.get("Pod", namespace, name);
  if (!pod) {
    const ref = [
      {
        apiVersion: "batch/v1",
        kind: "Job",
        name: job.metadata.name,
        uid: job.metadata.uid,
        controller: true,
      },
    ];
    pod = createPod(store, podFor(job, name, "job", job.spec.template.spec.containers, ref), now);
    recordEvent(store, now, {
      involved: job,
      type: "Normal",
      reason: "SuccessfulCreate",
      message: `Created pod: ${name}`,
      component: "job-controller",
    });
  }
  const done = now - Date.parse(job.metadata.creationTimestamp as string) >= t.jobCompleteMs;
  const containers: Container[] = pod.spec.containers;
  const podStatusNow = done
    ? {
        phase: "Succeeded",
        conditions: [{ type: "Ready", status: "False", reason: "PodCompleted" }],
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: false,
          restartCount: 0,
          state: { terminated: { reason: "Completed", exitCode: 0 } },
        })),
      }
    : {
        phase: "Running",
        conditions: [{ type: "Ready", status: "True" }],
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: true,
          restartCount: 0,
          state: { running: {} },
        })),
      };
  settlePod(store, pod, { status: podStatusNow, ready: !done, events: [] }, now);
  const status = done
    ? {
        succeeded: 1,
        conditions: [
          { type: "SuccessCriteriaMet", status: "True" },
          { type: "Complete", status: "True" },
        ],
      }
    : { active: 1 };
  if (!same(job.status, status)) {
    const updated = store.put({ ...job, status });
    if (done)
      recordEvent(store, now, {
        involved: updated,
        type: "Normal",
        reason: "Completed",
        message: "Job completed",
        component: "job-controller",
      });
  }
  return done;
}

/** Moves one namespace's workloads to `now`. True when nothing in it will change with time. */
export function progressNamespace(
  store: ObjectAccess,
  faults: Faults,
  namespace: string,
  now: number,
  t: WorkloadTimings,
): boolean {
  let settled = true;
  for (const kind of ["StatefulSet", "Deployment"])
    for (const w of store.list(kind, { namespace }))
      settled = progressWorkload(store, w, faults, now, t) && settled;
  for (const job of store.list("Job", { namespace }))
    settled = progressJob(store, job, now, t) && settled;
  return settled && !faults.touches(namespace);
}
