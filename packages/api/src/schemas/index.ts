// Input schemas shared by the API and the dashboard's forms (one per form,
// used on both sides). Import from "@storeplane/api/schemas": no server code.
export * from "./auth.ts";
export * from "./backups.ts";
export * from "./common.ts";
export * from "./pages.ts";
export * from "./stores.ts";
export * from "./tokens.ts";
