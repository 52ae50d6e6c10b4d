// Pure argv builders, one per helm command, so what runs is testable without
// running it. Values only ever travel in files (`--values <path>`); nothing
// from `values` is put on the command line.
import type { ReleaseSpec } from "../cluster.ts";
import { LABELS } from "../store-contract.ts";

export interface ConnectionFlags {
  kubeconfig?: string;
  kubeContext?: string;
}

function connection(c: ConnectionFlags): string[] {
  const out: string[] = [];
  if (c.kubeconfig) out.push("--kubeconfig", c.kubeconfig);
  if (c.kubeContext) out.push("--kube-context", c.kubeContext);
  return out;
}

/** Revisions kept per release: enough to roll back, few enough Secrets per namespace. */
export const HISTORY_MAX = 5;

const DIGEST_RE = /^[A-Za-z0-9._-]{1,40}$/;

export function upgradeInstallArgs(
  spec: ReleaseSpec,
  controllerValuesFile: string,
  c: ConnectionFlags = {},
): string[] {
  // The digest becomes a label value on Helm's release Secret.
  if (!DIGEST_RE.test(spec.valuesDigest)) {
    throw new Error(`valuesDigest must match ${DIGEST_RE} (got ${spec.valuesDigest.length} chars)`);
  }
  const args = ["upgrade", "--install", spec.release, spec.chart, "--namespace", spec.namespace];
  for (const file of spec.valuesFiles) args.push("--values", file);
  // The controller's values come last so they override the environment file.
  args.push("--values", controllerValuesFile);
  args.push(
    "--labels",
    `${LABELS.valuesDigest}=${spec.valuesDigest}`,
    "--timeout",
    `${spec.timeoutSeconds}s`,
    "--history-max",
    String(HISTORY_MAX),
    "--output",
    "json",
  );
  // No --wait: the controller observes workloads itself, and a helm process
  // that returns fast leaves no window for a pending-* release when killed.
  return [...args, ...connection(c)];
}

export function uninstallArgs(
  namespace: string,
  release: string,
  timeoutSeconds: number,
  c: ConnectionFlags = {},
): string[] {
  return [
    "uninstall",
    release,
    "--namespace",
    namespace,
    "--timeout",
    `${timeoutSeconds}s`,
    ...connection(c),
  ];
}

export function rollbackArgs(
  namespace: string,
  release: string,
  revision: number,
  timeoutSeconds: number,
  c: ConnectionFlags = {},
): string[] {
  return [
    "rollback",
    release,
    String(revision),
    "--namespace",
    namespace,
    "--timeout",
    `${timeoutSeconds}s`,
    "--history-max",
    String(HISTORY_MAX),
    ...connection(c),
  ];
}

export interface TemplateInput {
  release: string;
  chart: string;
  namespace: string;
  valuesFiles: string[];
  kubeVersion?: string;
}

export function templateArgs(input: TemplateInput, controllerValuesFile: string | null): string[] {
  const args = ["template", input.release, input.chart, "--namespace", input.namespace];
  for (const file of input.valuesFiles) args.push("--values", file);
  if (controllerValuesFile) args.push("--values", controllerValuesFile);
  if (input.kubeVersion) args.push("--kube-version", input.kubeVersion);
  return args;
}

export function lintArgs(
  chart: string,
  valuesFiles: string[],
  controllerValuesFile: string | null,
): string[] {
  const args = ["lint", chart, "--strict"];
  for (const file of valuesFiles) args.push("--values", file);
  if (controllerValuesFile) args.push("--values", controllerValuesFile);
  return args;
}
