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

/**
 * With no $KUBECONFIG, no ~/.kube/config and no in-cluster service account,
 * client-node falls back to an insecure http://localhost:8080 under a context
 * named "loaded-context", and every call then fails with a puzzling TLS
 * message. Recognise that fallback so we can say what is actually missing.
 */
export function missingKubeconfigMessage(target: KubeTarget): string | null {
  if (target.context === "loaded-context" && target.server === "http://localhost:8080") {
    return "no kubeconfig found: set KUBECONFIG or create ~/.kube/config (kind and k3s write one), or run inside a cluster";
  }
  return null;
}
