// The storefront's publishable key is looked up at run time by the title the
// seed gives it, so no build-time variable and no manual step after seeding.
// A found key is cached for the process; a miss is not, so a page served
// before the seed ran starts working as soon as the seed finishes.
import type { MedusaContainer } from "@medusajs/framework/types";
import { Modules } from "@medusajs/framework/utils";
import { PUBLISHABLE_KEY_TITLE } from "../catalog";

let cached: string | undefined;

export async function resolvePublishableKey(scope: MedusaContainer): Promise<string | undefined> {
  if (process.env.STOREFRONT_PUBLISHABLE_KEY) {
    return process.env.STOREFRONT_PUBLISHABLE_KEY;
  }
  if (cached) return cached;
  const apiKeys = scope.resolve(Modules.API_KEY);
  const keys = await apiKeys.listApiKeys({ title: PUBLISHABLE_KEY_TITLE, type: "publishable" });
  const live = keys.find((k) => !k.revoked_at);
  cached = live?.token;
  return cached;
}
