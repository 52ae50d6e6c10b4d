// The end-to-end suite against a real cluster, through the typed client only:
// create one WooCommerce and one Medusa store, wait for Ready (time-to-Ready),
// place an order in each through its Store API and confirm it as the store
// admin, delete both, and prove with kubectl and helm that nothing is left.
import {
  type ClientStore,
  createClient,
  describeProgress,
  type StoreplaneClient,
  waitForStore,
} from "@storeplane/api/client";
import { obtainToken } from "./auth.ts";
import type { E2EConfig } from "./config.ts";
import { isClean, type Leftovers, waitUntilClean } from "./leftovers.ts";
import { resolveLocalhostNames } from "./localhost-dns.ts";
import { confirmMedusaOrder, placeMedusaOrder } from "./orders/medusa.ts";
import { placeWooOrder } from "./orders/woocommerce.ts";
import { confirmWooOrderAsAdmin } from "./woo-admin.ts";

type Engine = "woocommerce" | "medusa";

export interface StoreOutcome {
  engine: Engine;
  name: string;
  id?: string;
  readySeconds?: number;
  orderId?: string;
  orderSeconds?: number;
  deletedSeconds?: number;
  leftovers?: Leftovers;
  error?: string;
}

export interface SuiteResult {
  ok: boolean;
  stores: StoreOutcome[];
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

export async function placeAndConfirm(
  client: StoreplaneClient,
  store: ClientStore,
  outcome: StoreOutcome,
  log: (l: string) => void,
) {
  const baseUrl = store.storeUrl;
  if (!baseUrl) throw new Error(`store ${store.name} is Ready but has no URL`);
  const credentials = await client.stores.credentials.mutate({ id: store.id });
  const started = Date.now();
  if (outcome.engine === "woocommerce") {
    const placed = await placeWooOrder({ baseUrl, email: `shopper+${store.name}@example.com` });
    const confirmed = await confirmWooOrderAsAdmin(
      { baseUrl, username: credentials.username, password: credentials.password },
      placed.orderId,
    );
    outcome.orderId = String(confirmed.id);
    log(
      `${store.name}: order #${confirmed.id} placed (${placed.status}) and seen by the admin API (${confirmed.status})`,
    );
  } else {
    const placed = await placeMedusaOrder({ baseUrl, email: `shopper+${store.name}@example.com` });
    const confirmed = await confirmMedusaOrder({
      baseUrl,
      adminEmail: credentials.email ?? credentials.username,
      adminPassword: credentials.password,
      orderId: placed.orderId,
    });
    outcome.orderId = confirmed.id;
    log(
      `${store.name}: order #${confirmed.display_id} (${confirmed.id}) placed and seen by the Admin API`,
    );
  }
  outcome.orderSeconds = seconds(started);
}

export async function provisionAndOrder(
  client: StoreplaneClient,
  config: E2EConfig,
  outcome: StoreOutcome,
  log: (l: string) => void,
) {
  const started = Date.now();
  const created = await client.stores.create.mutate({
    name: outcome.name,
    engine: outcome.engine,
    plan: "small",
  });
  outcome.id = created.id;
  log(`${outcome.name}: created (${outcome.engine}), waiting for Ready`);
  let last = "";
  const { store, outcome: settled } = await waitForStore(client, created.id, {
    timeoutMs: config.readyTimeoutMs,
    intervalMs: 3_000,
    onProgress: (s) => {
      const line = describeProgress(s);
      if (line !== last) log(`  ${line}`);
      last = line;
    },
  });
  if (settled !== "ready")
    throw new Error(
      `store ${outcome.name} ended ${store.phase}: ${store.lastError ?? "no error recorded"}`,
    );
  outcome.readySeconds = seconds(started);
  log(`${outcome.name}: Ready in ${outcome.readySeconds}s at ${store.storeUrl}`);
  await placeAndConfirm(client, store, outcome, log);
}

export async function deleteAndProve(
  client: StoreplaneClient,
  config: E2EConfig,
  outcome: StoreOutcome,
  log: (l: string) => void,
) {
  if (!outcome.id) return;
  const started = Date.now();
  await client.stores.delete.mutate({ id: outcome.id });
  const { store, outcome: settled } = await waitForStore(client, outcome.id, {
    until: "deleted",
    timeoutMs: config.deleteTimeoutMs,
    intervalMs: 3_000,
  });
  if (settled !== "deleted")
    throw new Error(`deleting ${outcome.name} ended ${store.phase}: ${store.lastError ?? ""}`);
  outcome.leftovers = await waitUntilClean(`store-${outcome.name}`, config.deleteTimeoutMs);
  outcome.deletedSeconds = seconds(started);
  if (!isClean(outcome.leftovers)) {
    throw new Error(
      `store ${outcome.name} left things behind: ${JSON.stringify(outcome.leftovers)}`,
    );
  }
  log(
    `${outcome.name}: deleted in ${outcome.deletedSeconds}s; namespace, PVCs, PVs and Helm release are gone`,
  );
}

export async function runSuite(
  config: E2EConfig,
  log: (line: string) => void = console.log,
): Promise<SuiteResult> {
  resolveLocalhostNames();
  const token = await obtainToken(config, log);
  const client = createClient({ url: config.url, token });
  const stores: StoreOutcome[] = [
    { engine: "woocommerce", name: `e2e-woo-${config.runId}` },
    { engine: "medusa", name: `e2e-medusa-${config.runId}` },
  ];

  // Both stores provision at once, as they would for two users.
  const provisioned = await Promise.allSettled(
    stores.map((s) => provisionAndOrder(client, config, s, log)),
  );
  provisioned.forEach((result, i) => {
    const store = stores[i];
    if (result.status === "rejected" && store)
      store.error = String((result.reason as Error)?.message ?? result.reason);
  });

  const failedEarly = stores.some((s) => s.error);
  if (failedEarly && config.keepOnFailure) {
    log("E2E_KEEP=1: leaving the stores in place for debugging");
  } else {
    const deleted = await Promise.allSettled(
      stores.map((s) => deleteAndProve(client, config, s, log)),
    );
    deleted.forEach((result, i) => {
      const store = stores[i];
      if (result.status === "rejected" && store && !store.error)
        store.error = String((result.reason as Error)?.message ?? result.reason);
    });
  }
  return { ok: stores.every((s) => !s.error), stores };
}

export function summary(result: SuiteResult): string {
  const rows = result.stores.map((s) =>
    [
      s.engine.padEnd(12),
      s.name.padEnd(24),
      `ready ${s.readySeconds ?? "-"}s`.padEnd(14),
      `order ${s.orderId ?? "-"} (${s.orderSeconds ?? "-"}s)`.padEnd(44),
      `deleted ${s.deletedSeconds ?? "-"}s`.padEnd(16),
      s.error ? `FAILED: ${s.error}` : "ok",
    ].join(" "),
  );
  return ["=== e2e summary (time-to-Ready per store) ===", ...rows].join("\n");
}
