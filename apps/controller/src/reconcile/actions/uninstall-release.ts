// First step of a deletion: helm uninstall, so hooks and anything the chart
// created outside the namespace are cleaned up by Helm itself.
import { STORE_RELEASE_NAME } from "../../k8s.ts";
import type { Action, Announce } from "./types.ts";

export const announceUninstall: Announce = () => ({
  reason: "Uninstalling",
  message: "uninstalling release",
});

export const uninstallRelease: Action = async (ctx) => {
  const { desired } = ctx;
  await ctx.cluster.uninstallRelease(desired.namespace, STORE_RELEASE_NAME, {
    signal: ctx.signal,
  });
  return {
    namespace: ctx.namespace && {
      ...ctx.namespace,
      releases: ctx.namespace.releases.filter((r) => r.name !== STORE_RELEASE_NAME),
      workloads: [],
      jobs: [],
      pods: [],
    },
    event: { type: "Normal", reason: "ReleaseUninstalled", message: "helm uninstall done" },
  };
};
