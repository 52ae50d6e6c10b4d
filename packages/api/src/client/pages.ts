// Paging through a list procedure from a script: ask for a page, pass its
// `nextCursor` back, stop at the last page. Keyset pages stay correct while
// stores are created meanwhile (a newer store is simply not in this walk).
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../root.ts";
import { PAGE_LIMIT_MAX } from "../schemas/pages.ts";
import type { ListStoresInput } from "../schemas/stores.ts";

interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

/** Every item of every page, one page request at a time. */
export async function* pages<Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Item>>,
): AsyncGenerator<Item[]> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}

export type StoreListFilter = Omit<NonNullable<ListStoresInput>, "cursor">;
export type ListedStore = inferRouterOutputs<AppRouter>["stores"]["list"]["items"][number];

/** Anything with `stores.list.query(input)`, i.e. the typed client. */
export interface StoreLister {
  stores: {
    list: {
      query(
        input: StoreListFilter & { cursor?: string },
      ): Promise<Page<ListedStore> & { total: number }>;
    };
  };
}

/**
 * Every store matching the filter across all pages (newest first), at most
 * `max` of them. Pages are as large as the server allows unless `limit` says.
 */
export async function listAllStores(
  client: StoreLister,
  filter: StoreListFilter = {},
  options: { max?: number } = {},
): Promise<ListedStore[]> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const out: ListedStore[] = [];
  const limit = filter.limit ?? PAGE_LIMIT_MAX;
  for await (const items of pages((cursor) =>
    client.stores.list.query({ ...filter, limit, ...(cursor ? { cursor } : {}) }),
  )) {
    out.push(...items.slice(0, max - out.length));
    if (out.length >= max) break;
  }
  return out;
}
