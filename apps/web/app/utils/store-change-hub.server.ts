// One LISTEN per server process, fanned out to every open event stream.
// A browser never gets its own database connection: the hub receives the
// store id from NOTIFY, looks up the owner once, and forwards the id only to
// subscribers allowed to see that store (its owner and admins).
//
// NOTIFY on STORE_CHANGES_CHANNEL covers changes of desired state (create,
// delete, retry). The controller's status writes (phase, conditions, events)
// do not notify — that channel wakes the controller itself — so while anyone
// is watching, the hub also follows a change feed: one query per second per
// server process (not per browser) for rows whose updated_at moved.
import { type DatabaseHandle, STORE_CHANGES_CHANNEL } from "@storeplane/db";
import { sql } from "kysely";
import type { Logger } from "pino";

const CHANGE_FEED_INTERVAL_MS = 1_000;

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
  let feedTimer: NodeJS.Timeout | null = null;
  let feedBusy = false;
  /** The newest updated_at seen, as Postgres text (microseconds survive the round trip). */
  let cursor: string | null = null;

  function dispatch(storeId: string, owner: string | null): void {
    for (const subscriber of subscribers) {
      if (subscriber.isAdmin || subscriber.userId === owner) subscriber.send({ storeId });
    }
  }

  async function followChangeFeed(): Promise<void> {
    if (feedBusy || subscribers.size === 0) return;
    feedBusy = true;
    try {
      if (cursor === null) {
        const row = await sql<{ cursor: string | null }>`
          select coalesce(max(updated_at), now())::text as cursor from stores`.execute(database.db);
        cursor = row.rows[0]?.cursor ?? null;
        return;
      }
      const changed = await sql<{ id: string; owner_id: string; cursor: string }>`
        select id, owner_id, updated_at::text as cursor from stores
        where updated_at > ${cursor}::timestamptz
        order by updated_at limit 1000`.execute(database.db);
      for (const row of changed.rows) {
        owners.set(row.id, row.owner_id);
        dispatch(row.id, row.owner_id);
        cursor = row.cursor;
      }
    } catch (error) {
      logger.warn({ err: error }, "store change feed query failed");
    } finally {
      feedBusy = false;
    }
  }

  function startFeed(): void {
    if (feedTimer) return;
    void followChangeFeed();
    feedTimer = setInterval(() => void followChangeFeed(), CHANGE_FEED_INTERVAL_MS);
    feedTimer.unref();
  }

  function stopFeedWhenIdle(): void {
    if (subscribers.size > 0 || !feedTimer) return;
    clearInterval(feedTimer);
    feedTimer = null;
    cursor = null;
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
    starting ??= database
      .listen(STORE_CHANGES_CHANNEL, (payload) => {
        void onNotify(payload).catch((error: unknown) =>
          logger.warn({ err: error }, "store change fan-out failed"),
        );
      })
      .then((stop) => {
        unlisten = stop;
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
      startFeed();
      return () => {
        subscribers.delete(subscriber);
        stopFeedWhenIdle();
      };
    },
    size: () => subscribers.size,
    async close() {
      subscribers.clear();
      stopFeedWhenIdle();
      await starting;
      await unlisten?.();
    },
  };
}
