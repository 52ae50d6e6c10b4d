// Which helm to run: $HELM_BIN, else `helm` on PATH, else the copy that
// scripts/install-tools.mjs put in <repo>/.tools/bin. A platform engineer's
// own helm wins over ours.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { readK8sEnv } from "../env.ts";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..", "..");
export const REPO_TOOLS_HELM = join(REPO_ROOT, ".tools", "bin", "helm");

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface ResolveHelmOptions {
  /** Default process.env (HELM_BIN, PATH). */
  env?: NodeJS.ProcessEnv;
  toolsHelm?: string;
}

/** Absolute path of the helm binary, or null when none is installed. */
export function resolveHelmBinary(opts: ResolveHelmOptions = {}): string | null {
  const env = readK8sEnv(opts.env);
  // An explicit choice that does not work is an error, not a reason to
  // silently run some other helm.
  if (env.HELM_BIN) return isExecutable(env.HELM_BIN) ? env.HELM_BIN : null;
  for (const dir of env.PATH.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "helm");
    if (isExecutable(candidate)) return candidate;
  }
  const tools = opts.toolsHelm ?? REPO_TOOLS_HELM;
  return isExecutable(tools) ? tools : null;
}
