// Per-store guardrails, applied by the controller with server-side apply. The
// engine charts never create these kinds (and the store's Helm release cannot
// touch objects it does not own), so a tenant chart cannot loosen them.
import type { KubeObject } from "./cluster.ts";
import { shortDigest } from "./digest.ts";
import { BACKUP_COMPONENT, COMPONENT_LABEL, LABELS, PLATFORM_NAME } from "./store-contract.ts";

export interface PlanLimits {
  /** Total CPU limit for the namespace, e.g. "2" or "1500m". */
  cpu: string;
  /** Total memory limit, e.g. "4Gi". */
  memory: string;
  /** Total requested storage across PVCs, e.g. "10Gi". */
  storage: string;
  pods: number;
  pvcs: number;
}

export interface ContainerDefaults {
  defaultCpu: string;
  defaultMemory: string;
  defaultRequestCpu: string;
  defaultRequestMemory: string;
}

export interface GuardrailInput {
  namespace: string;
  limits: PlanLimits;
  /** Namespace of the ingress controller: "kube-system" for k3s's Traefik, "traefik" in our kind bring-up. */
  ingressNamespace: string;
  /** Narrow the ingress allowance to the controller's pods (e.g. app.kubernetes.io/name=traefik). */
  ingressPodLabels?: Record<string, string>;
  /**
   * Allow egress to public addresses on 80/443. Default true: the official
   * WordPress images download WooCommerce and the theme from wordpress.org in
   * the setup job, and Medusa's init may fetch packages. Turn it off in
   * production once the images are prebaked.
   */
  allowInternetEgress?: boolean;
  containerDefaults?: Partial<ContainerDefaults>;
}

export const GUARDRAIL_NAMES = {
  quota: "storeplane-quota",
  limits: "storeplane-limits",
  defaultDeny: "default-deny",
  allowDns: "allow-dns",
  allowSameNamespace: "allow-same-namespace",
  allowIngressController: "allow-ingress-controller",
  allowInternetEgress: "allow-internet-egress",
} as const;

const DEFAULT_CONTAINER: ContainerDefaults = {
  defaultCpu: "500m",
  defaultMemory: "512Mi",
  defaultRequestCpu: "100m",
  defaultRequestMemory: "128Mi",
};

// Private, link-local (cloud metadata) and CGNAT ranges: "internet egress"
// must not become a path to other tenants' pods or the node's metadata API.
const NON_PUBLIC_CIDRS = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "169.254.0.0/16",
  "100.64.0.0/10",
];

function finish(
  kind: string,
  apiVersion: string,
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace,
      labels: {
        [LABELS.managedBy]: PLATFORM_NAME,
        [LABELS.partOf]: PLATFORM_NAME,
        // The digest covers what the controller sets, so a changed plan, a
        // missing object or a tampered label shows up in a plain list. A hand
        // edit of the spec alone does not: live specs carry API-server
        // defaults, so they cannot be compared with ours by digest.
        [LABELS.specDigest]: shortDigest({ kind, spec }),
      },
    },
    spec,
  };
}

function resourceQuota(input: GuardrailInput): KubeObject {
  const { limits } = input;
  // Deliberately no count/secrets or count/configmaps: Helm stores every
  // release revision as a Secret in this namespace, and a quota on them makes
  // upgrades fail once history grows (ENGINES.md, "Both").
  return finish("ResourceQuota", "v1", GUARDRAIL_NAMES.quota, input.namespace, {
    hard: {
      "requests.cpu": limits.cpu,
      "limits.cpu": limits.cpu,
      "requests.memory": limits.memory,
      "limits.memory": limits.memory,
      "requests.storage": limits.storage,
      persistentvolumeclaims: String(limits.pvcs),
      pods: String(limits.pods),
      // A store is reached only through the shared ingress controller.
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    },
  });
}

function limitRange(input: GuardrailInput): KubeObject {
  const d = { ...DEFAULT_CONTAINER, ...input.containerDefaults };
  return finish("LimitRange", "v1", GUARDRAIL_NAMES.limits, input.namespace, {
    limits: [
      {
        // Defaults let the quota (which requires requests/limits) admit chart
        // pods that forget to set them; max keeps any one container within
        // the plan's total.
        type: "Container",
        default: { cpu: d.defaultCpu, memory: d.defaultMemory },
        defaultRequest: { cpu: d.defaultRequestCpu, memory: d.defaultRequestMemory },
        max: { cpu: input.limits.cpu, memory: input.limits.memory },
      },
      { type: "PersistentVolumeClaim", max: { storage: input.limits.storage } },
    ],
  });
}

/**
 * Every pod but the backup and restore Jobs' (NotIn also matches pods without
 * the label). NetworkPolicies only ever add allowances, so an allowance that
 * selected backup pods would widen their own policy (allow-backup-egress:
 * their database and the object store) to the whole store and the internet.
 */
export const NOT_BACKUP_PODS = {
  matchExpressions: [{ key: COMPONENT_LABEL, operator: "NotIn", values: [BACKUP_COMPONENT] }],
};

function networkPolicy(
  input: GuardrailInput,
  name: string,
  spec: Record<string, unknown>,
  podSelector: Record<string, unknown> = {},
): KubeObject {
  return finish("NetworkPolicy", "networking.k8s.io/v1", name, input.namespace, {
    podSelector,
    ...spec,
  });
}

function networkPolicies(input: GuardrailInput): KubeObject[] {
  const nsLabel = "kubernetes.io/metadata.name";
  const ingressPeer: Record<string, unknown> = {
    namespaceSelector: { matchLabels: { [nsLabel]: input.ingressNamespace } },
  };
  if (input.ingressPodLabels && Object.keys(input.ingressPodLabels).length > 0) {
    ingressPeer.podSelector = { matchLabels: input.ingressPodLabels };
  }
  const policies = [
    networkPolicy(input, GUARDRAIL_NAMES.defaultDeny, { policyTypes: ["Ingress", "Egress"] }),
    // Without DNS nothing resolves, not even the store's own database Service.
    networkPolicy(input, GUARDRAIL_NAMES.allowDns, {
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { [nsLabel]: "kube-system" } },
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
    // The app, its database, cache and setup job talk to each other freely.
    // Backup pods are not selected: their egress is allow-backup-egress alone.
    // Their connections INTO the database are admitted here, by its ingress
    // from every pod of the namespace (both ends must allow a connection).
    networkPolicy(
      input,
      GUARDRAIL_NAMES.allowSameNamespace,
      {
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
      NOT_BACKUP_PODS,
    ),
    // Backup pods serve nothing: the ingress controller has no business with them.
    networkPolicy(
      input,
      GUARDRAIL_NAMES.allowIngressController,
      { policyTypes: ["Ingress"], ingress: [{ from: [ingressPeer] }] },
      NOT_BACKUP_PODS,
    ),
  ];
  if (input.allowInternetEgress ?? true) {
    // Not for backup pods: an external bucket is allowed by their own policy.
    policies.push(
      networkPolicy(
        input,
        GUARDRAIL_NAMES.allowInternetEgress,
        {
          policyTypes: ["Egress"],
          egress: [
            {
              to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC_CIDRS } }],
              ports: [
                { protocol: "TCP", port: 80 },
                { protocol: "TCP", port: 443 },
              ],
            },
          ],
        },
        NOT_BACKUP_PODS,
      ),
    );
  }
  return policies;
}

/** Every guardrail object for one store namespace, in apply order. */
export function buildGuardrails(input: GuardrailInput): KubeObject[] {
  return [resourceQuota(input), limitRange(input), ...networkPolicies(input)];
}

/**
 * The `${kind}/${name}` → spec-digest map these objects should show in a
 * snapshot (NamespaceState.guardrails), so the controller can compare them.
 */
export function expectedGuardrails(objects: KubeObject[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of objects)
    out[`${o.kind}/${o.metadata.name}`] = o.metadata.labels?.[LABELS.specDigest] ?? "";
  return out;
}
