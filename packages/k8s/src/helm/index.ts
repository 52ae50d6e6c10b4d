export * from "./args.ts";
export { REPO_TOOLS_HELM, resolveHelmBinary } from "./binary.ts";
export * from "./errors.ts";
export * from "./helm.ts";
export * from "./parse.ts";
export * from "./values-file.ts";
