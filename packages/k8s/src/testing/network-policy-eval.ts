// TEST TOOL — decides whether NetworkPolicies allow one TCP/UDP connection,
// as the Kubernetes documentation defines them, so tests can prove what a set
// of policies admits without a cluster (there is no CNI here).
// https://kubernetes.io/docs/concepts/services-networking/network-policies/
// - "a pod is isolated for egress if there is any NetworkPolicy that both
//   selects the pod and has Egress in its policyTypes"; the same for ingress.
//   A pod that is not isolated for a direction allows everything in it.
// - "policies are additive": an isolated pod allows a connection when any
//   rule of any policy selecting it (for that direction) allows it.
// - "for a connection from a source pod to a destination pod to be allowed,
//   both the egress policy on the source pod and the ingress policy on the
//   destination pod need to allow the connection."
// - policyTypes, when absent: Ingress always, plus Egress when the policy has
//   egress rules (NetworkPolicySpec, "policyTypes").
// - a rule with no `to`/`from` matches every peer, with no `ports` every port;
//   a peer with only podSelector means pods of the policy's own namespace, with
//   only namespaceSelector every pod of the matching namespaces, with both the
//   matching pods of the matching namespaces; an empty selector matches all.
// - ipBlock: the documentation leaves open whether it applies to pod IPs
//   (traffic is often rewritten on its way). This evaluator matches it against
//   pod IPs too, the permissive reading, so a "denied" result holds on every
//   CNI. Named ports are not supported (throws): our policies use numbers.
// Node-local traffic (kubelet probes) is always allowed by the documentation
// and is out of scope here.

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }>;
}

interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}

/** A networking.k8s.io/v1 NetworkPolicy as applied (only the fields that decide traffic). */
export interface NetworkPolicyObject {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: Array<"Ingress" | "Egress">;
    ingress?: PolicyRule[];
    egress?: PolicyRule[];
  };
}

export interface PodEndpoint {
  kind: "pod";
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ip: string;
}

/** An address outside the cluster (the internet, a managed bucket). */
export interface ExternalEndpoint {
  kind: "external";
  ip: string;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

export interface ClusterNetwork {
  /** Labels of every namespace (kubernetes.io/metadata.name is added automatically, as the API server does). */
  namespaces: Record<string, Record<string, string>>;
  policies: NetworkPolicyObject[];
}

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: "TCP" | "UDP" | "SCTP";
}

export interface Verdict {
  allowed: boolean;
  /** Why, for test failure messages: which side denied or which policies allowed. */
  reason: string;
}

export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}))
    if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[e.key] as string)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[e.key] as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        throw new Error(`unknown label selector operator ${String(e.operator)}`);
    }
  }
  return true;
}

function ipToInt(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return (
    (((parts[0] as number) << 24) |
      ((parts[1] as number) << 16) |
      ((parts[2] as number) << 8) |
      (parts[3] as number)) >>>
    0
  );
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const bits = Number(bitsText);
  if (!base || !Number.isInteger(bits) || bits < 0 || bits > 32)
    throw new Error(`not a CIDR: ${cidr}`);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipToInt(ip) & mask) === (ipToInt(base) & mask);
}

function namespaceLabels(network: ClusterNetwork, namespace: string): Record<string, string> {
  return { ...(network.namespaces[namespace] ?? {}), "kubernetes.io/metadata.name": namespace };
}

function types(policy: NetworkPolicyObject): Array<"Ingress" | "Egress"> {
  if (policy.spec.policyTypes?.length) return policy.spec.policyTypes;
  return policy.spec.egress ? ["Ingress", "Egress"] : ["Ingress"];
}

function peerMatches(
  network: ClusterNetwork,
  policyNamespace: string,
  peer: PolicyPeer,
  other: Endpoint,
): boolean {
  if (peer.ipBlock) {
    if (!inCidr(other.ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c));
  }
  // Pod and namespace selectors only ever select pods.
  if (other.kind !== "pod") return false;
  if (peer.namespaceSelector) {
    if (!matchesSelector(peer.namespaceSelector, namespaceLabels(network, other.namespace)))
      return false;
  } else if (other.namespace !== policyNamespace) {
    return false;
  }
  return matchesSelector(peer.podSelector, other.labels);
}

function portMatches(ports: PolicyPort[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port !== "number")
      throw new Error(`named port ${p.port}: not supported by this evaluator`);
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

/** Whether the policies of `pod`'s namespace allow one direction of the connection at that pod. */
function sideAllows(
  network: ClusterNetwork,
  pod: PodEndpoint,
  direction: "Ingress" | "Egress",
  other: Endpoint,
  port: number,
  protocol: string,
): { allowed: boolean; by: string[]; isolated: boolean } {
  const selecting = network.policies.filter(
    (p) =>
      (p.metadata.namespace ?? "") === pod.namespace &&
      types(p).includes(direction) &&
      matchesSelector(p.spec.podSelector, pod.labels),
  );
  if (selecting.length === 0) return { allowed: true, by: [], isolated: false };
  const by = selecting
    .filter((p) =>
      (direction === "Ingress" ? p.spec.ingress : p.spec.egress)?.some((rule) => {
        const peers = direction === "Ingress" ? rule.from : rule.to;
        const peerOk =
          !peers ||
          peers.length === 0 ||
          peers.some((peer) => peerMatches(network, pod.namespace, peer, other));
        return peerOk && portMatches(rule.ports, port, protocol);
      }),
    )
    .map((p) => p.metadata.name);
  return { allowed: by.length > 0, by, isolated: true };
}

function describe(e: Endpoint): string {
  return e.kind === "pod" ? `${e.namespace}/${e.name}` : e.ip;
}

/** Whether the connection is allowed: egress at its source and ingress at its destination. */
export function evaluateConnection(network: ClusterNetwork, c: Connection): Verdict {
  const protocol = c.protocol ?? "TCP";
  const what = `${describe(c.from)} -> ${describe(c.to)}:${c.port}/${protocol}`;
  const reasons: string[] = [];
  if (c.from.kind === "pod") {
    const egress = sideAllows(network, c.from, "Egress", c.to, c.port, protocol);
    if (!egress.allowed)
      return {
        allowed: false,
        reason: `${what}: denied by egress isolation of ${describe(c.from)}`,
      };
    reasons.push(
      egress.isolated ? `egress by ${egress.by.join(", ")}` : "source not isolated for egress",
    );
  }
  if (c.to.kind === "pod") {
    const ingress = sideAllows(network, c.to, "Ingress", c.from, c.port, protocol);
    if (!ingress.allowed)
      return {
        allowed: false,
        reason: `${what}: denied by ingress isolation of ${describe(c.to)}`,
      };
    reasons.push(
      ingress.isolated
        ? `ingress by ${ingress.by.join(", ")}`
        : "destination not isolated for ingress",
    );
  }
  return { allowed: true, reason: `${what}: allowed (${reasons.join("; ")})` };
}
