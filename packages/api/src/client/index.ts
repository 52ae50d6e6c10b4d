// The typed client for scripts and storectl. Only types come from the server
// side (type-only imports), so a script pulls in @trpc/client and superjson
// and nothing of the API's database or cluster code. By name, only what other
// packages use or the docs promise (listAllStores, docs/scale.md); one name
// per line.
export {
  clientErrorCode,
  createClient,
  type StoreplaneClient,
} from "./create-client.ts";
export { listAllStores } from "./pages.ts";
export {
  type ClientStore,
  describeProgress,
} from "./progress.ts";
export { waitForStore } from "./wait.ts";
export { type RolloutOutcome, waitForRollout } from "./wait-rollout.ts";
