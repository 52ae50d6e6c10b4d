// Follows a store until it settles: Ready, Failed or deleted (or, when
// waiting for a deletion, until it is gone or Failed).
import type { ClientStore } from "./progress.ts";

export type WaitOutcome = "ready" | "failed" | "deleted" | "suspended";

export interface WaitForStoreOptions {
  /**
   * "settled" (default): Ready, Failed or deleted. "deleted": only deleted or
   * Failed count. "suspended": Suspended (as of the latest generation), Failed or deleted.
   */
  until?: "settled" | "deleted" | "suspended";
  /** Called after every poll with the store's current state. */
  onProgress?: (store: ClientStore) => void;
  timeoutMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly store: ClientStore,
    timeoutMs: number,
  ) {
    super(
      `timed out after ${Math.round(timeoutMs / 1000)}s; store "${store.name}" is ${store.phase}`,
    );
    this.name = "WaitTimeoutError";
  }
}

/** Anything with `stores.get.query({ id })`, i.e. the typed client. */
export interface StoreGetter {
  stores: { get: { query(input: { id: string }): Promise<ClientStore> } };
}

export async function waitForStore(
  client: StoreGetter,
  id: string,
  options: WaitForStoreOptions = {},
): Promise<{ store: ClientStore; outcome: WaitOutcome }> {
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const intervalMs = options.intervalMs ?? 2_000;
  const deadline = Date.now() + timeoutMs;
  const until = options.until ?? "settled";
  let last: ClientStore | undefined;
  for (;;) {
    let store: ClientStore;
    try {
      store = await client.stores.get.query({ id });
    } catch (error) {
      // A store whose row is gone entirely is as deleted as it gets.
      if (until === "deleted" && last && isNotFound(error)) {
        return { store: { ...last, phase: "Deleted", deletedAt: new Date() }, outcome: "deleted" };
      }
      throw error;
    }
    last = store;
    options.onProgress?.(store);
    const outcome = settled(store, until);
    if (outcome) return { store, outcome };
    if (Date.now() + intervalMs > deadline) throw new WaitTimeoutError(store, timeoutMs);
    await sleep(intervalMs, options.signal);
  }
}

function settled(
  store: ClientStore,
  until: NonNullable<WaitForStoreOptions["until"]>,
): WaitOutcome | null {
  if (store.deletedAt || store.phase === "Deleted") return "deleted";
  if (store.phase === "Failed") return "failed";
  if (until === "suspended")
    return store.phase === "Suspended" && store.observedGeneration >= store.generation
      ? "suspended"
      : null;
  if (until === "settled" && store.phase === "Ready" && !store.deletionRequestedAt) return "ready";
  return null;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

function isNotFound(error: unknown): boolean {
  const data = (error as { data?: { code?: string } } | null)?.data;
  return data?.code === "NOT_FOUND";
}
