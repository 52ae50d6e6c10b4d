// The proof that deleting a store removed everything it owned: its namespace,
// its PVCs (and the PVs bound to them), and its Helm release.
import { run } from "./tools.ts";

export interface Leftovers {
  namespace: boolean;
  pvcs: string[];
  pvs: string[];
  releases: string[];
}

export function findLeftovers(namespace: string): Leftovers {
  const ns = run("kubectl", ["get", "namespace", namespace, "-o", "name", "--ignore-not-found"]);
  if (ns.status !== 0) throw new Error(`kubectl get namespace ${namespace}: ${ns.stderr.trim()}`);

  const pvcList = run("kubectl", ["get", "pvc", "--all-namespaces", "-o", "json"]);
  if (pvcList.status !== 0) throw new Error(`kubectl get pvc: ${pvcList.stderr.trim()}`);
  const pvcs = (
    JSON.parse(pvcList.stdout).items as { metadata: { namespace: string; name: string } }[]
  )
    .filter((pvc) => pvc.metadata.namespace === namespace)
    .map((pvc) => `${pvc.metadata.namespace}/${pvc.metadata.name}`);

  const pvList = run("kubectl", ["get", "pv", "-o", "json"]);
  if (pvList.status !== 0) throw new Error(`kubectl get pv: ${pvList.stderr.trim()}`);
  const pvs = (
    JSON.parse(pvList.stdout).items as {
      metadata: { name: string };
      spec: { claimRef?: { namespace?: string } };
    }[]
  )
    .filter((pv) => pv.spec.claimRef?.namespace === namespace)
    .map((pv) => pv.metadata.name);

  const helmList = run("helm", ["list", "--all-namespaces", "--all", "-o", "json"]);
  if (helmList.status !== 0) throw new Error(`helm list: ${helmList.stderr.trim()}`);
  const releases = (
    JSON.parse(helmList.stdout || "[]") as { name: string; namespace: string; status: string }[]
  )
    .filter((release) => release.namespace === namespace)
    .map((release) => `${release.namespace}/${release.name} (${release.status})`);

  return { namespace: ns.stdout.trim() !== "", pvcs, pvs, releases };
}

export function isClean(leftovers: Leftovers): boolean {
  return (
    !leftovers.namespace &&
    leftovers.pvcs.length === 0 &&
    leftovers.pvs.length === 0 &&
    leftovers.releases.length === 0
  );
}

/** Namespace deletion finishes asynchronously (finalizers, PV reclaim): poll, bounded. */
export async function waitUntilClean(namespace: string, timeoutMs: number): Promise<Leftovers> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leftovers = findLeftovers(namespace);
    if (isClean(leftovers) || Date.now() > deadline) return leftovers;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
}
