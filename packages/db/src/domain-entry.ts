// "@storeplane/db/domain": the part of the domain that is safe in a browser
// bundle (no pg, no kysely), by name, only what other packages import through
// it. Everything else in domain.ts stays internal or goes through the main entry.

export {
  BACKUP_FREQUENCIES,
  MAX_BACKUPS_KEPT,
  VERIFICATION_STATUSES,
  type VerificationStatus,
} from "./backup-domain.ts";
export {
  type ConditionType,
  conditionRank,
  ENGINES,
  type Engine,
  PHASES,
  type Phase,
  PLANS,
  type Plan,
  STEP_CONDITION_TYPES,
} from "./domain.ts";
export { ROLLOUT_STORE_STATES, waveStepsProblem } from "./rollout-domain.ts";
