// One LISTEN per server process, fanned out to every open event stream.
// A browser never gets its own database connection: the hub receives the
// store id from NOTIFY, looks up the owner once, and forwards the id only to
// subscribers allowed to see that store (its owner and admins).
//
// Two channels feed it: STORE_CHANGES_CHANNEL (desired state: create, delete,
// retry, sent by the API) and STORE_STATUS_CHANNEL (transitions the controller
// recorded: phase, conditions, events). No polling: a quiet store costs nothing.
import { type DatabaseHandle, STORE_CHANGES_CHANNEL, STORE_STATUS_CHANNEL } from "@storeplane/db";
import type { Logger } from "pino";

export interface StoreChange {
  storeId: string;
}

interface Subscriber {
  userId: string;
  isAdmin: boolean;
  send(change: StoreChange): void;
}

export interface StoreChangeHub {
  subscribe(subscriber: Subscriber): () => void;
  size(): number;
  close(): Promise<void>;
}

export function createStoreChangeHub(database: DatabaseHandle, logger: Logger): StoreChangeHub {
  const subscribers = new Set<Subscriber>();
  // Owners never change, so a small cache saves a query per notification.
  const owners = new Map<string, string>();
  let unlisten: (() => Promise<void>) | null = null;
  let starting: Promise<void> | null = null;
  let unlistenStatus: (() => Promise<void>) | null = null;

  function dispatch(storeId: string, owner: string | null): void {
    for (const subscriber of subscribers) {
      if (subscriber.isAdmin || subscriber.userId === owner) subscriber.send({ storeId });
    }
  }

  async function ownerOf(storeId: string): Promise<string | null> {
    const cached = owners.get(storeId);
    if (cached) return cached;
    // A read of one column: the web app otherwise reaches data only through the
    // API, but routing each notification through a procedure per subscriber
    // would multiply the work by the number of open tabs.
    const row = await database.db
      .selectFrom("stores")
      .select("owner_id")
      .where("id", "=", storeId)
      .executeTakeFirst()
      .catch(() => undefined);
    if (!row) return null;
    if (owners.size > 10_000) owners.clear();
    owners.set(storeId, row.owner_id);
    return row.owner_id;
  }

  async function onNotify(payload: string): Promise<void> {
    const storeId = payload.trim();
    if (!/^[0-9a-f-]{36}$/i.test(storeId) || subscribers.size === 0) return;
    dispatch(storeId, await ownerOf(storeId));
  }

  function ensureListening(): Promise<void> {
    const forward = (payload: string) => {
      void onNotify(payload).catch((error: unknown) =>
        logger.warn({ err: error }, "store change fan-out failed"),
      );
    };
    starting ??= Promise.all([
      database.listen(STORE_CHANGES_CHANNEL, forward),
      database.listen(STORE_STATUS_CHANNEL, forward),
    ])
      .then(([stopChanges, stopStatus]) => {
        unlisten = stopChanges;
        unlistenStatus = stopStatus;
      })
      .catch((error: unknown) => {
        starting = null;
        logger.error({ err: error }, "could not LISTEN for store changes; live updates are off");
      });
    return starting;
  }

  return {
    subscribe(subscriber) {
      void ensureListening();
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    size: () => subscribers.size,
    async close() {
      subscribers.clear();
      await starting;
      await unlisten?.();
      await unlistenStatus?.();
    },
  };
}
