// Where a store answers: `<scheme>://<name>.<base domain>`, the same host the
// controller gives the engine chart. Written to the row at create so lists
// need no config to show it.
import type { Engine } from "@storeplane/db";
import type { ApiConfig } from "../env.ts";

const ADMIN_PATHS: Record<Engine, string> = {
  woocommerce: "/wp-admin/",
  medusa: "/app",
};

export function storeUrls(
  config: Pick<ApiConfig, "storeUrlScheme" | "storeBaseDomain">,
  name: string,
  engine: Engine,
): { storeUrl: string; adminUrl: string } {
  const storeUrl = `${config.storeUrlScheme}://${name}.${config.storeBaseDomain}`;
  return { storeUrl, adminUrl: `${storeUrl}${ADMIN_PATHS[engine]}` };
}
