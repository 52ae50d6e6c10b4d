// Level: unit. The NetworkPolicy evaluator against the cases the Kubernetes
// documentation spells out (network-policies concept page), so a verdict in
// another test means what the API's semantics mean.
import { describe, expect, it } from "vitest";
import {
  type ClusterNetwork,
  evaluateConnection,
  inCidr,
  matchesSelector,
  type NetworkPolicyObject,
  type PodEndpoint,
} from "./network-policy-eval.ts";

const pod = (namespace: string, name: string, labels: Record<string, string>, ip: string) =>
  ({ kind: "pod", namespace, name, labels, ip }) as PodEndpoint;
const a = pod("a", "web", { app: "web" }, "10.244.0.10");
const db = pod("a", "db", { app: "db" }, "10.244.0.11");
const other = pod("b", "x", { app: "web" }, "10.244.1.10");
const internet = { kind: "external", ip: "93.184.216.34" } as const;

const policy = (
  namespace: string,
  name: string,
  spec: NetworkPolicyObject["spec"],
): NetworkPolicyObject => ({ metadata: { name, namespace }, spec });

const net = (policies: NetworkPolicyObject[]): ClusterNetwork => ({
  namespaces: { a: { team: "a" }, b: { team: "b" } },
  policies,
});

describe("NetworkPolicy evaluation", () => {
  it("allows everything when no policy selects the pods (non-isolated)", () => {
    expect(evaluateConnection(net([]), { from: a, to: other, port: 80 }).allowed).toBe(true);
  });

  it("isolates a pod selected by a policy of a type, even with no rules (default deny)", () => {
    const deny = policy("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const n = net([deny]);
    expect(evaluateConnection(n, { from: a, to: db, port: 5432 }).allowed).toBe(false);
    expect(evaluateConnection(n, { from: other, to: a, port: 80 }).reason).toMatch(
      /ingress isolation/,
    );
    expect(evaluateConnection(n, { from: a, to: internet, port: 443 }).reason).toMatch(
      /egress isolation/,
    );
    // b is not isolated: it may send; a refuses at ingress.
    expect(evaluateConnection(n, { from: other, to: internet, port: 443 }).allowed).toBe(true);
  });

  it("needs both ends: egress at the source and ingress at the destination", () => {
    const egressOnly = policy("a", "out", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { team: "b" } } }] }],
    });
    const bDeny = policy("b", "deny", { podSelector: {}, policyTypes: ["Ingress"] });
    expect(evaluateConnection(net([egressOnly]), { from: a, to: other, port: 80 }).allowed).toBe(
      true,
    );
    expect(
      evaluateConnection(net([egressOnly, bDeny]), { from: a, to: other, port: 80 }).allowed,
    ).toBe(false);
  });

  it("adds allowances of every selecting policy (union), by peer and port", () => {
    const deny = policy("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const toDb = policy("a", "to-db", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { app: "db" } } }],
          ports: [{ protocol: "TCP", port: 5432 }],
        },
      ],
    });
    const dbIn = policy("a", "db-in", {
      podSelector: { matchLabels: { app: "db" } },
      ingress: [{ from: [{ podSelector: {} }] }],
    });
    const n = net([deny, toDb, dbIn]);
    expect(evaluateConnection(n, { from: a, to: db, port: 5432 }).allowed).toBe(true);
    expect(evaluateConnection(n, { from: a, to: db, port: 22 }).allowed).toBe(false);
    expect(evaluateConnection(n, { from: a, to: db, port: 5432, protocol: "UDP" }).allowed).toBe(
      false,
    );
    // A podSelector-only peer means the policy's own namespace.
    const bDb = pod("b", "db", { app: "db" }, "10.244.1.11");
    expect(evaluateConnection(n, { from: a, to: bDb, port: 5432 }).allowed).toBe(false);
  });

  it("defaults policyTypes to Ingress, plus Egress when egress rules exist", () => {
    const ingressOnly = policy("a", "in", { podSelector: {}, ingress: [] });
    expect(
      evaluateConnection(net([ingressOnly]), { from: a, to: internet, port: 443 }).allowed,
    ).toBe(true);
    const withEgress = policy("a", "both", { podSelector: {}, egress: [] });
    expect(
      evaluateConnection(net([withEgress]), { from: a, to: internet, port: 443 }).allowed,
    ).toBe(false);
  });

  it("matches ipBlock with its exceptions, against pod IPs too (the permissive reading)", () => {
    const deny = policy("a", "deny", { podSelector: {}, policyTypes: ["Egress"] });
    const out = policy("a", "out", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }],
          ports: [{ port: 443 }],
        },
      ],
    });
    const n = net([deny, out]);
    expect(evaluateConnection(n, { from: a, to: internet, port: 443 }).allowed).toBe(true);
    expect(evaluateConnection(n, { from: a, to: other, port: 443 }).allowed).toBe(false);
    const wide = policy("a", "wide", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
    });
    expect(evaluateConnection(net([deny, wide]), { from: a, to: other, port: 443 }).allowed).toBe(
      true,
    );
  });

  it("reads selectors as the API does (NotIn matches pods without the key)", () => {
    const sel = {
      matchExpressions: [{ key: "c", operator: "NotIn" as const, values: ["backup"] }],
    };
    expect(matchesSelector(sel, {})).toBe(true);
    expect(matchesSelector(sel, { c: "db" })).toBe(true);
    expect(matchesSelector(sel, { c: "backup" })).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: "c", operator: "Exists" }] }, {})).toBe(
      false,
    );
    expect(matchesSelector({}, { any: "thing" })).toBe(true);
    expect(inCidr("10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(inCidr("11.1.2.3", "10.0.0.0/8")).toBe(false);
    expect(inCidr("1.2.3.4", "0.0.0.0/0")).toBe(true);
  });
});
