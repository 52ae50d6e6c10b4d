// Test tools only. Never imported by production code.
export * from "./fake-api-cluster.ts";
export * from "./fake-api-server.ts";
export * from "./label-selector.ts";
export * from "./recording-helm.ts";
