import { describe, expect, it } from "vitest";
import { storeLinks } from "./store-links.ts";

const store = {
  id: "7c1d4d3e-2f0a-4a55-9a43-0a4f7d4b2c11",
  storeUrl: "http://acme.localhost",
  adminUrl: "http://acme.localhost/wp-admin",
};

describe("store links", () => {
  it("lead to the store's own address on a real cluster", () => {
    expect(storeLinks(store, "kube")).toEqual({
      storefront: "http://acme.localhost",
      admin: "http://acme.localhost/wp-admin",
    });
  });

  it("lead to the dashboard's simulated-store page on the simulated cluster, never to a dead host", () => {
    expect(storeLinks(store, "simulated")).toEqual({
      storefront: `/stores/${store.id}/simulated/storefront`,
      admin: `/stores/${store.id}/simulated/admin`,
    });
  });

  it("stay absent when the store has no address yet", () => {
    expect(storeLinks({ ...store, storeUrl: null, adminUrl: null }, "simulated")).toEqual({
      storefront: null,
      admin: null,
    });
  });
});
