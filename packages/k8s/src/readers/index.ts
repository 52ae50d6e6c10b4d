export { eventProblems } from "./event-problems.ts";
export { jobProblems } from "./job-problems.ts";
export {
  describeNamespaceProblems,
  namespaceProblems,
  type StoreHealth,
  summarizeStoreHealth,
} from "./namespace-problems.ts";
export { podProblems } from "./pod-problems.ts";
export type { Problem, ProblemKind } from "./problem.ts";
export { whatHoldsNamespace } from "./what-holds.ts";
