// The controller's public entry point, for composition roots that run the
// loop in-process (apps/dev). Everything else is internal to the controller.
export { createCluster } from "./cluster.ts";
export { ChartCatalog } from "./desired.ts";
export { type ControllerConfig, readControllerConfig } from "./env.ts";
export { ControllerLoop, type LoopDeps, type ReconcileObserver } from "./loop.ts";
