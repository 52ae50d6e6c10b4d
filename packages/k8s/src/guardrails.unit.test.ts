// Level: unit (pure builders).
import { describe, expect, it } from "vitest";
import type { KubeObject } from "./cluster.ts";
import { buildGuardrails, expectedGuardrails, type GuardrailInput } from "./guardrails.ts";
import { LABELS } from "./store-contract.ts";

const base: GuardrailInput = {
  namespace: "store-shop",
  limits: { cpu: "2", memory: "4Gi", storage: "10Gi", pods: 20, pvcs: 3 },
  ingressNamespace: "kube-system",
};

function byName(objects: KubeObject[], name: string): KubeObject {
  const o = objects.find((x) => x.metadata.name === name);
  if (!o) throw new Error(`no ${name}`);
  return o;
}

type Rule = { from?: unknown[]; to?: unknown[]; ports?: { protocol: string; port: number }[] };
const spec = (o: KubeObject) => o.spec as Record<string, unknown>;

describe("buildGuardrails", () => {
  it("builds a quota, a limit range and five network policies in the store namespace, labelled as ours", () => {
    const objects = buildGuardrails(base);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ResourceQuota/storeplane-quota",
      "LimitRange/storeplane-limits",
      "NetworkPolicy/default-deny",
      "NetworkPolicy/allow-dns",
      "NetworkPolicy/allow-same-namespace",
      "NetworkPolicy/allow-ingress-controller",
      "NetworkPolicy/allow-internet-egress",
    ]);
    for (const o of objects) {
      expect(o.metadata.namespace).toBe("store-shop");
      expect(o.metadata.labels?.[LABELS.managedBy]).toBe("storeplane");
      expect(o.metadata.labels?.[LABELS.specDigest]).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it("quota follows the plan and never counts Secrets or ConfigMaps (Helm's release Secrets)", () => {
    const hard = spec(byName(buildGuardrails(base), "storeplane-quota")).hard as Record<
      string,
      string
    >;
    expect(hard).toMatchObject({
      "limits.cpu": "2",
      "limits.memory": "4Gi",
      "requests.storage": "10Gi",
      pods: "20",
      persistentvolumeclaims: "3",
    });
    expect(Object.keys(hard).filter((k) => /secret|configmap/i.test(k))).toEqual([]);
  });

  it("limit range caps a container at the plan and sets defaults", () => {
    const limits = spec(byName(buildGuardrails(base), "storeplane-limits")).limits as Record<
      string,
      unknown
    >[];
    expect(limits[0]).toMatchObject({
      type: "Container",
      max: { cpu: "2", memory: "4Gi" },
      default: { cpu: "500m" },
    });
    expect(limits[1]).toEqual({ type: "PersistentVolumeClaim", max: { storage: "10Gi" } });
  });

  it("default-deny selects every pod for both directions and allows nothing", () => {
    const s = spec(byName(buildGuardrails(base), "default-deny"));
    expect(s).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("allows DNS to kube-dns pods in kube-system on UDP and TCP 53", () => {
    const s = spec(byName(buildGuardrails(base), "allow-dns"));
    const [rule] = s.egress as Rule[];
    expect(rule?.to).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      },
    ]);
    expect(rule?.ports).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
  });

  it("allows all traffic inside the namespace", () => {
    const s = spec(byName(buildGuardrails(base), "allow-same-namespace"));
    expect(s.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    expect(s.egress).toEqual([{ to: [{ podSelector: {} }] }]);
  });

  it("selects no backup or restore pod with any allowance (allow-backup-egress is theirs alone)", () => {
    const objects = buildGuardrails(base);
    const notBackup = {
      matchExpressions: [
        { key: "app.kubernetes.io/component", operator: "NotIn", values: ["backup"] },
      ],
    };
    for (const name of [
      "allow-same-namespace",
      "allow-ingress-controller",
      "allow-internet-egress",
    ])
      expect(spec(byName(objects, name)).podSelector, name).toEqual(notBackup);
    // The deny and DNS still select every pod, backup pods included.
    expect(spec(byName(objects, "default-deny")).podSelector).toEqual({});
    expect(spec(byName(objects, "allow-dns")).podSelector).toEqual({});
  });

  it.each([
    ["kube-system", "k3s Traefik"],
    ["traefik", "kind bring-up"],
  ])(
    "ingress allowance follows the configured controller namespace: %s (%s)",
    (ingressNamespace) => {
      const s = spec(
        byName(buildGuardrails({ ...base, ingressNamespace }), "allow-ingress-controller"),
      );
      expect(s.policyTypes).toEqual(["Ingress"]);
      expect(s.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": ingressNamespace },
              },
            },
          ],
        },
      ]);
    },
  );

  it("narrows the ingress allowance to the controller's pods when labels are given", () => {
    const objects = buildGuardrails({
      ...base,
      ingressPodLabels: { "app.kubernetes.io/name": "traefik" },
    });
    const [rule] = spec(byName(objects, "allow-ingress-controller")).ingress as Rule[];
    expect(rule?.from?.[0]).toMatchObject({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "traefik" } },
    });
  });

  it("internet egress is on by default, only on 80/443 to public addresses, and can be turned off", () => {
    const s = spec(byName(buildGuardrails(base), "allow-internet-egress"));
    const [rule] = s.egress as Rule[];
    expect(rule?.ports?.map((p) => p.port)).toEqual([80, 443]);
    expect(rule?.to).toEqual([
      {
        ipBlock: {
          cidr: "0.0.0.0/0",
          except: expect.arrayContaining(["10.0.0.0/8", "169.254.0.0/16"]),
        },
      },
    ]);
    const off = buildGuardrails({ ...base, allowInternetEgress: false });
    expect(off.map((o) => o.metadata.name)).not.toContain("allow-internet-egress");
  });
});

describe("spec digests", () => {
  it("are stable across calls and input key order", () => {
    const a = expectedGuardrails(buildGuardrails(base));
    const b = expectedGuardrails(
      buildGuardrails({
        ingressNamespace: "kube-system",
        limits: { pvcs: 3, pods: 20, storage: "10Gi", memory: "4Gi", cpu: "2" },
        namespace: "store-shop",
      }),
    );
    expect(b).toEqual(a);
  });

  it("do not depend on the namespace, so equal plans compare equal across stores", () => {
    expect(expectedGuardrails(buildGuardrails({ ...base, namespace: "store-other" }))).toEqual(
      expectedGuardrails(buildGuardrails(base)),
    );
  });

  it("change when the plan or the ingress namespace changes, and only for the affected objects", () => {
    const before = expectedGuardrails(buildGuardrails(base));
    const bigger = expectedGuardrails(
      buildGuardrails({ ...base, limits: { ...base.limits, memory: "8Gi" } }),
    );
    expect(bigger["ResourceQuota/storeplane-quota"]).not.toBe(
      before["ResourceQuota/storeplane-quota"],
    );
    expect(bigger["NetworkPolicy/allow-dns"]).toBe(before["NetworkPolicy/allow-dns"]);
    const moved = expectedGuardrails(buildGuardrails({ ...base, ingressNamespace: "traefik" }));
    expect(moved["NetworkPolicy/allow-ingress-controller"]).not.toBe(
      before["NetworkPolicy/allow-ingress-controller"],
    );
  });
});
