// Level: real database (PGlite and, with TEST_DATABASE_URL, real Postgres) +
// simulated cluster. More due stores than one claim batch holds: the loop
// must claim the rest as passes end, not wait for its interval sweep.
import { describeEachDatabase, resetDatabase } from "@storeplane/db/testing";
import { createSimulatedCluster, FAST_LATENCIES } from "@storeplane/k8s/simulated";
import { beforeEach, expect, it } from "vitest";
import { createStores, startController, waitForPhase } from "./harness.ts";

describeEachDatabase("claiming beyond one batch", ({ handle }) => {
  beforeEach(async () => resetDatabase(handle()));

  it("30 stores with CLAIM_BATCH=10 and the sweep an hour away all reach Ready", async () => {
    const sim = createSimulatedCluster({ latencies: FAST_LATENCIES });
    const loop = startController(handle(), sim, {
      config: { claimBatch: 10, sweepIntervalMs: 3_600_000 },
    });
    await loop.start();
    try {
      const stores = await createStores(handle(), 30, { engine: "woocommerce" });
      const ready = await waitForPhase(
        handle(),
        stores.map((s) => s.id),
        "Ready",
      );
      expect(ready).toHaveLength(30);
    } finally {
      await loop.stop();
    }
  });
});
