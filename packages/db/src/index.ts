export * from "./connect.ts";
export * from "./domain.ts";
export * from "./embedded-server.ts";
export * from "./env.ts";
export * from "./migrate.ts";
export * from "./repositories/claims.ts";
export type * from "./schema.ts";
export * from "./wakeup.ts";
