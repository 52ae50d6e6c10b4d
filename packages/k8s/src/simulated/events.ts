// Kubernetes Events as the kubelet and controllers record them (core/v1
// Event: involvedObject, reason, message, type, source, count, first/last
// timestamps). Repeats of the same reason and message on the same object are
// aggregated into one Event whose count grows, as client-go's EventCorrelator
// does, so a long crash loop costs one object, not thousands.
import { createHash } from "node:crypto";
import type { ObjectAccess, SimObject } from "./object-store.ts";

export interface EventInput {
  involved: SimObject;
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  /** kubelet, default-scheduler, job-controller, … */
  component: string;
}

/** Events expire like the API server's default --event-ttl (1 h). */
export const EVENT_TTL_MS = 60 * 60 * 1000;

function eventName(involved: SimObject, reason: string, message: string): string {
  const digest = createHash("sha1").update(`${involved.kind}/${reason}/${message}`).digest("hex");
  return `${involved.metadata.name}.${digest.slice(0, 16)}`;
}

export function recordEvent(store: ObjectAccess, now: number, e: EventInput): void {
  const namespace = e.involved.metadata.namespace as string;
  const name = eventName(e.involved, e.reason, e.message);
  const at = new Date(now).toISOString();
  const existing = store.get("Event", namespace, name);
  if (existing) {
    store.put({ ...existing, count: (existing.count ?? 1) + 1, lastTimestamp: at });
    return;
  }
  store.put({
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace },
    involvedObject: {
      apiVersion: e.involved.apiVersion,
      kind: e.involved.kind,
      name: e.involved.metadata.name,
      namespace,
      uid: e.involved.metadata.uid,
    },
    type: e.type,
    reason: e.reason,
    message: e.message,
    source: { component: e.component },
    count: 1,
    firstTimestamp: at,
    lastTimestamp: at,
  });
}

/** Drops a namespace's events older than the TTL. */
export function expireEvents(store: ObjectAccess, namespace: string, now: number): void {
  for (const e of store.list("Event", { namespace })) {
    if (now - Date.parse(e.lastTimestamp) > EVENT_TTL_MS)
      store.delete("Event", namespace, e.metadata.name);
  }
}
