// The API's default logger (scripts and tests; the dashboard and `npm run dev`
// pass their own). Redaction is the platform's one list, from packages/k8s.
import { createLogger as createPlatformLogger, type Logger } from "@storeplane/k8s/logging";
import type { DestinationStream } from "pino";

export type { Logger };

export function createLogger(
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return createPlatformLogger({ name: "api", level: options.level ?? "info" }, options.destination);
}
