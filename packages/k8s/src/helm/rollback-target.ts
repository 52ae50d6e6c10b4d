// Which revision of a release a rollback returns to, decided from the release
// Secrets' labels alone (helm's Secret driver keeps `version`, `status` and
// the `--labels` given; pkg/storage/driver/secrets.go). One rule for the real
// cluster and the simulated one, so both roll back to the same revision.
import type { HelmReleaseStatus, RollbackOutcome } from "../cluster.ts";

export interface RevisionLabels {
  version: number;
  status: HelmReleaseStatus;
  /** The revision's `storeplane.io/values-digest` label, or null. */
  valuesDigest: string | null;
}

/** Revisions a rollback may return to: they ran to completion once. */
const RETURNABLE: ReadonlySet<HelmReleaseStatus> = new Set(["deployed", "superseded"]);

/**
 * `current` when the latest revision is deployed with the digest already;
 * otherwise the newest earlier deployed/superseded revision with the digest
 * (`to`), or `no-revision` when history holds none.
 */
export function chooseRollbackRevision(
  revisions: readonly RevisionLabels[],
  valuesDigest: string,
):
  | { outcome: "rollback"; from: number; to: number }
  | Exclude<RollbackOutcome, { outcome: "rolled-back" }> {
  const sorted = [...revisions].sort((a, b) => a.version - b.version);
  const latest = sorted.at(-1);
  if (!latest) return { outcome: "no-revision", latest: null };
  if (latest.status === "deployed" && latest.valuesDigest === valuesDigest)
    return { outcome: "current", revision: latest.version };
  const to = sorted
    .filter(
      (r) =>
        r.version < latest.version && RETURNABLE.has(r.status) && r.valuesDigest === valuesDigest,
    )
    .at(-1);
  if (!to) return { outcome: "no-revision", latest: latest.version };
  return { outcome: "rollback", from: latest.version, to: to.version };
}
