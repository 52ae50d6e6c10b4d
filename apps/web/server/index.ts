// What other parts of the repo compose: scripts/dev.ts and scripts/platform.ts
// start the dashboard in the same process as the controller.
export {
  type ClusterStatus,
  createWebApp,
  type RunningWebServer,
  startWebServer,
  type WebApp,
  type WebDeps,
} from "./app.ts";
export { createSimulatedClusterReader } from "./simulated-cluster-reader.ts";
