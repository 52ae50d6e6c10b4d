import type { NamespaceState } from "../cluster.ts";

function finalizers(list: string[] | undefined): string {
  return list && list.length > 0 ? ` (finalizers: ${list.join(", ")})` : "";
}

/**
 * For a namespace stuck terminating: what is still in it, from the snapshot,
 * in the order an operator would look (the API server's own conditions first,
 * then PVCs, pods, workloads, the Helm release). Empty when it is not terminating.
 */
export function whatHoldsNamespace(ns: NamespaceState): string[] {
  if (ns.phase !== "Terminating") return [];
  const out = [...(ns.terminationMessages ?? [])];
  for (const pvc of ns.pvcs) {
    out.push(`PersistentVolumeClaim "${pvc.name}" is ${pvc.phase}${finalizers(pvc.finalizers)}`);
  }
  for (const pod of ns.pods) {
    const state = pod.terminating ? "terminating" : pod.phase;
    out.push(`Pod "${pod.name}" is ${state}${finalizers(pod.finalizers)}`);
  }
  for (const w of ns.workloads) out.push(`${w.kind} "${w.name}" still exists`);
  for (const j of ns.jobs) out.push(`Job "${j.name}" still exists`);
  for (const r of ns.releases) {
    out.push(
      `Helm release "${r.name}" (${r.status}, revision ${r.revision}) still has its release Secret`,
    );
  }
  if (out.length === 0)
    out.push("nothing the platform can see; check namespace finalizers and custom resources");
  return out;
}
