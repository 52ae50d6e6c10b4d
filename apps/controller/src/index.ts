// The controller's public entry point, for composition roots that run the
// loop in-process (apps/dev). By name, only what other packages use; one name
// per line. Everything else is internal to the controller.
export { readBackupSettings } from "./backups/backup-env.ts";
export { startBackupWork } from "./backups/backup-work.ts";
export { createCluster } from "./cluster.ts";
export {
  ChartCatalog,
  storeReleaseOf,
} from "./desired.ts";
export {
  type ControllerConfig,
  readControllerConfig,
} from "./env.ts";
export { ControllerLoop } from "./loop.ts";
export { RolloutDriver } from "./rollouts/driver.ts";
export { createRolloutHealthCheck } from "./rollouts/health-check.ts";
