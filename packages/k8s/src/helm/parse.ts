// helm's JSON output → the few fields callers need. A release's values and
// manifest are in that JSON too; they are dropped here and never kept.
import type { HelmReleaseStatus } from "../cluster.ts";
import { HelmFailed } from "./errors.ts";

/** What the caller needs from a release; never its values or manifest. */
export interface HelmReleaseInfo {
  name: string;
  namespace: string;
  revision: number;
  status: HelmReleaseStatus;
  description: string;
}

const KNOWN_STATUSES: ReadonlySet<string> = new Set([
  "deployed",
  "failed",
  "pending-install",
  "pending-upgrade",
  "pending-rollback",
  "uninstalling",
  "superseded",
  "uninstalled",
]);

export function toReleaseStatus(value: unknown): HelmReleaseStatus {
  return typeof value === "string" && KNOWN_STATUSES.has(value)
    ? (value as HelmReleaseStatus)
    : "unknown";
}

export function parseJson(command: string, stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch (err) {
    throw new HelmFailed("HelmFailed", `helm ${command}: output is not JSON`, { cause: err });
  }
}

export function releaseInfo(raw: unknown): HelmReleaseInfo | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as {
    name?: unknown;
    namespace?: unknown;
    version?: unknown;
    info?: { status?: unknown; description?: unknown };
  };
  return {
    name: String(r.name ?? ""),
    namespace: String(r.namespace ?? ""),
    revision: Number(r.version ?? 0),
    status: toReleaseStatus(r.info?.status),
    description: String(r.info?.description ?? ""),
  };
}
