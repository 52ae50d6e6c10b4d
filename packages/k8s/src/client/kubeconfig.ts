// Where the cluster credentials come from: an explicit KubeConfig (tests, the
// API's reader), or the default chain ($KUBECONFIG, ~/.kube/config, then the
// in-cluster service account), which is what `loadFromDefault` does.
import { KubeConfig } from "@kubernetes/client-node";

export function loadDefaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

export interface KubeTarget {
  context: string | null;
  server: string | null;
}

export function describeTarget(kc: KubeConfig): KubeTarget {
  const context = kc.getCurrentContext();
  return {
    context: context ? context : null,
    server: kc.getCurrentCluster()?.server ?? null,
  };
}
