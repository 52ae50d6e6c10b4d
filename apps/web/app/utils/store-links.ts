// Where a store's "Open storefront" / "Open admin" links go. On a real
// cluster: the store's own address. On the simulated cluster no shop runs, so
// `http://<name>.localhost` would be a dead host; the links lead instead to a
// dashboard page that says so and describes what the real store would show.

export type StoreView = "storefront" | "admin";

export interface StoreLinks {
  storefront: string | null;
  admin: string | null;
}

export function simulatedStorePath(storeId: string, view: StoreView): string {
  return `/stores/${storeId}/simulated/${view}`;
}

export function storeLinks(
  store: { id: string; storeUrl: string | null; adminUrl: string | null },
  clusterMode: string,
): StoreLinks {
  if (clusterMode === "simulated") {
    return {
      storefront: store.storeUrl ? simulatedStorePath(store.id, "storefront") : null,
      admin: store.adminUrl ? simulatedStorePath(store.id, "admin") : null,
    };
  }
  return { storefront: store.storeUrl, admin: store.adminUrl };
}
