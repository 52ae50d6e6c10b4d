#!/usr/bin/env node
// storectl runs from TypeScript source through tsx's loader (a root dev
// dependency), like every internal package here: no build step.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

let register;
try {
  ({ register } = await import("tsx/esm/api"));
} catch {
  process.stderr.write("storectl: needs tsx (run `npm install` at the repository root)\n");
  process.exit(1);
}
register();
const here = dirname(fileURLToPath(import.meta.url));
await import(pathToFileURL(join(here, "..", "src", "cli", "run.ts")).href);
