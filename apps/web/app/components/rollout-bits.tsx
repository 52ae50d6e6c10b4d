// Badges for rollout and rollout-store states, drawn with the phase badge
// colours (running is in progress, halted failed, completed ready…). An
// unknown state (a newer API) gets the neutral badge with its own name.

const ROLLOUT_LOOK: Record<string, string> = {
  running: "Provisioning",
  paused: "Suspended",
  halted: "Failed",
  aborted: "Deleted",
  completed: "Ready",
};

const MEMBER_LOOK: Record<string, string> = {
  pending: "plain",
  upgrading: "Provisioning",
  succeeded: "Ready",
  failed: "Failed",
  "rolled-back": "Deleting",
  skipped: "Suspended",
  "not-upgraded": "plain",
};

export function RolloutStateBadge({ state }: { state: string }) {
  return (
    <span className={`badge badge-${ROLLOUT_LOOK[state] ?? "plain"}`} data-rollout-state={state}>
      {state}
    </span>
  );
}

export function MemberStateBadge({ state }: { state: string }) {
  return (
    <span className={`badge badge-${MEMBER_LOOK[state] ?? "plain"}`} data-member-state={state}>
      {state}
    </span>
  );
}

/** Rollouts the driver still moves: their page keeps itself fresh. */
export function isActiveRollout(state: string): boolean {
  return state === "running" || state === "paused" || state === "halted";
}
