import { packageTestConfig } from "../../tooling/vitest.shared.ts";

// Files share a worker's module cache (isolate: false): every file imports
// @kubernetes/client-node through @storeplane/k8s, and loading it once per
// worker instead of once per file halves the run. No test relies on fresh
// module state.
export default packageTestConfig(import.meta.dirname, { isolate: false });
