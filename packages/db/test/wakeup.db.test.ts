import { expect, it } from "vitest";
import { notifyStoreChanged, STORE_CHANGES_CHANNEL } from "../src/wakeup.ts";
import { describeEachDatabase } from "../testing/index.ts";

describeEachDatabase("wake-up channel", ({ handle }) => {
  it("a NOTIFY sent inside a transaction reaches the listener only after commit", async () => {
    const h = handle();
    const received: string[] = [];
    const unlisten = await h.listen(STORE_CHANGES_CHANNEL, (payload) => received.push(payload));
    await h.db.transaction().execute(async (trx) => {
      await notifyStoreChanged(trx, "store-1");
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toEqual([]);
    });
    await expect.poll(() => received, { timeout: 3000 }).toEqual(["store-1"]);
    await unlisten();
  });

  it("a rolled-back transaction sends nothing", async () => {
    const h = handle();
    const received: string[] = [];
    const unlisten = await h.listen(STORE_CHANGES_CHANNEL, (payload) => received.push(payload));
    await h.db
      .transaction()
      .execute(async (trx) => {
        await notifyStoreChanged(trx, "store-2");
        throw new Error("roll back");
      })
      .catch(() => undefined);
    await notifyStoreChanged(h.db, "store-3");
    await expect.poll(() => received, { timeout: 3000 }).toEqual(["store-3"]);
    await unlisten();
  });
});
