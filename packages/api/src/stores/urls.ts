// Where a store answers, written to the row at create so lists need no config
// to show it. The rule itself is shared with the controller (storeAddress).
import { type Engine, storeAddress } from "@storeplane/db";
import type { ApiConfig } from "../env.ts";

export function storeUrls(
  config: Pick<ApiConfig, "storeUrlScheme" | "storeBaseDomain">,
  name: string,
  engine: Engine,
): { storeUrl: string; adminUrl: string } {
  const { storeUrl, adminUrl } = storeAddress(name, engine, {
    scheme: config.storeUrlScheme,
    baseDomain: config.storeBaseDomain,
  });
  return { storeUrl, adminUrl };
}
