// Level: real cluster (kind, platform installed with values-local.yaml: the
// bundled object store of ADR 009). Per engine: a store with order A, a
// backup through the typed client, order B, a restore; then order A is there
// and order B is not, and the store is deleted without leftovers. Visibly
// skipped where no cluster is reachable.
import { type ClientStore, createClient, type StoreplaneClient } from "@storeplane/api/client";
import { describe, expect, it } from "vitest";
import { obtainToken } from "../src/auth.ts";
import { backupsProblem, waitForBackup, waitForRestore } from "../src/cluster-steps.ts";
import { readConfig } from "../src/config.ts";
import { resolveLocalhostNames } from "../src/localhost-dns.ts";
import { listMedusaOrders } from "../src/orders/medusa.ts";
import {
  deleteAndProve,
  placeAndConfirm,
  provisionAndOrder,
  type StoreOutcome,
} from "../src/suite.ts";
import { clusterProblem } from "../src/tools.ts";
import { confirmWooOrderAsAdmin } from "../src/woo-admin.ts";

const problem = clusterProblem() ?? backupsProblem();
const ENGINES = ["woocommerce", "medusa"] as const;
// The default reporter shows a skipped file only as "skipped": say why, once, in the output.
if (problem) console.warn(`backup and restore on a real cluster — skipped: ${problem}`);

/** Whether the store's admin API lists the order. */
async function hasOrder(client: StoreplaneClient, store: ClientStore, orderId: string) {
  const baseUrl = store.storeUrl as string;
  const credentials = await client.stores.credentials.mutate({ id: store.id });
  if (store.engine === "woocommerce") {
    return confirmWooOrderAsAdmin(
      { baseUrl, username: credentials.username, password: credentials.password },
      Number(orderId),
    ).then(
      () => true,
      () => false,
    );
  }
  const orders = await listMedusaOrders({
    baseUrl,
    adminEmail: credentials.email ?? credentials.username,
    adminPassword: credentials.password,
  });
  return orders.some((o) => o.id === orderId);
}

(problem ? describe.skip : describe)(
  problem
    ? `backup and restore on a real cluster — skipped: ${problem}`
    : "backup and restore on a real cluster",
  () => {
    const config = readConfig();
    const log = (line: string) => console.log(line);

    it.each(ENGINES)(
      "%s: order A, backup, order B, restore → A is there and B is not",
      async (engine) => {
        resolveLocalhostNames();
        const client = createClient({ url: config.url, token: await obtainToken(config, log) });
        const outcome: StoreOutcome = {
          engine,
          name: `e2e-bk-${engine.slice(0, 3)}-${config.runId}`,
        };
        let failed = true;
        try {
          await provisionAndOrder(client, config, outcome, log);
          const orderA = outcome.orderId as string;
          const started = Date.now();
          const requested = await client.backups.create.mutate({ store: outcome.name });
          const backup = await waitForBackup(client, outcome.name, requested.id, 15 * 60_000);
          log(
            `${outcome.name}: backup ${backup.id} ${backup.sizeBytes} bytes in ${backup.durationMs} ms (${Math.round((Date.now() - started) / 1000)}s end to end), sha256 ${backup.sha256}`,
          );
          expect(backup.sizeBytes).toBeGreaterThan(0);

          const store = await client.stores.get.query({ id: outcome.id as string });
          const later: StoreOutcome = { ...outcome };
          await placeAndConfirm(client, store, later, log);
          const orderB = later.orderId as string;
          expect(orderB).not.toBe(orderA);

          await client.backups.restore.mutate({ backupId: backup.id, confirm: outcome.name });
          const restored = await waitForRestore(
            client,
            outcome.id as string,
            config.readyTimeoutMs,
          );
          expect(
            await hasOrder(client, restored, orderA),
            `order A (${orderA}) after restore`,
          ).toBe(true);
          expect(
            await hasOrder(client, restored, orderB),
            `order B (${orderB}) after restore`,
          ).toBe(false);
          log(`${outcome.name}: restored; order ${orderA} is there, order ${orderB} is gone`);
          failed = false;
        } finally {
          if (failed && config.keepOnFailure) log("E2E_KEEP=1: leaving the store in place");
          else await deleteAndProve(client, config, outcome, log);
        }
      },
      60 * 60_000,
    );
  },
);
