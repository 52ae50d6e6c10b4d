// A rollout's failed gate sent the store back to the chart version it ran
// (observe: RollbackRequested): `helm rollback` to the release's last
// revision built from that version. Helm copies that revision's chart, values
// and labels (the values digest among them) into a new revision, so the
// release matches the desired digest again and no upgrade follows. When the
// history no longer holds such a revision (trimmed by --history-max), one
// `helm upgrade` to the version is the only way back.
import { STORE_RELEASE_NAME } from "../../k8s.ts";
import { installRelease } from "./install-release.ts";
import type { Action, Announce } from "./types.ts";

export const announceRollback: Announce = (ctx) => ({
  reason: "RollingBack",
  message: `rolling back to chart ${ctx.desired.chartVersion}`,
});

export const rollbackRelease: Action = async (ctx) => {
  const { desired } = ctx;
  if (!ctx.namespace) throw new Error("rollback-release needs the namespace first");
  const result = await ctx.cluster.rollbackRelease(
    desired.namespace,
    STORE_RELEASE_NAME,
    { valuesDigest: desired.release.valuesDigest },
    { signal: ctx.signal },
  );
  if (result.outcome === "no-revision") {
    const upgraded = await installRelease(ctx);
    const event = upgraded.event && {
      ...upgraded.event,
      message: `no revision of chart ${desired.chartVersion} left to roll back to; ${upgraded.event.message}`,
    };
    return { ...upgraded, ...(event ? { event } : {}) };
  }
  const { revision } = result;
  const releases = [
    ...ctx.namespace.releases.filter((r) => r.name !== STORE_RELEASE_NAME),
    {
      name: STORE_RELEASE_NAME,
      namespace: desired.namespace,
      revision,
      status: "deployed" as const,
      valuesDigest: desired.release.valuesDigest,
    },
  ];
  return {
    namespace: { ...ctx.namespace, releases },
    ...(result.outcome === "rolled-back"
      ? {
          event: {
            type: "Warning" as const,
            reason: "RolledBack",
            message: `helm rollback to revision ${result.to} (chart ${desired.chartVersion}) as revision ${result.revision} (before: ${ctx.state.reason})`,
          },
        }
      : {}),
  };
};
