// The Kubernetes permissions the controller needs, written down once. The
// platform chart's ClusterRole is tested against this list, so a new verb used
// in code without a matching RBAC rule (or a rule nobody uses) fails a test.
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

// Filled in by packages/k8s as the real client gains each call.
export const controllerPolicyRules: PolicyRule[] = [];
