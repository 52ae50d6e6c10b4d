// Input schemas shared by the API and the dashboard's forms (one per form,
// used on both sides). Import from "@storeplane/api/schemas": no server code.
// By name, only what other packages use; one name per line.
export {
  loginInput,
  signupInput,
} from "./auth.ts";
export {
  fieldErrorsFromIssues,
  fieldErrorsOf,
  firstIssueMessage,
} from "./common.ts";
export { cursorSchema } from "./pages.ts";
export { PLAN_CHOICES } from "./plans.ts";
export { startRolloutInput } from "./rollouts.ts";
export {
  createStoreInput,
  engineSchema,
  namePrefixSchema,
  ownerRefSchema,
  phaseSchema,
  storeNameSchema,
} from "./stores.ts";
export { createTokenInput } from "./tokens.ts";
