// The store page's "Chart versions" card: the engine chart version the store
// started on, then every rollout that touched it (from → to, outcome, reason,
// when), oldest first, as `stores.chartHistory` derives it from the rollout rows.
import { formatDateTime } from "../utils/format.ts";
import { MemberStateBadge } from "./rollout-bits.tsx";

export interface ChartHistoryView {
  initial: { version: string | null; at: string };
  entries: Array<{
    rolloutId: string;
    fromVersion: string;
    toVersion: string;
    outcome: string;
    reason: string | null;
    at: string;
  }>;
}

export function StoreChartHistory({ history }: { history: ChartHistoryView | null }) {
  return (
    <section className="card" aria-labelledby="chart-history-heading">
      <h2 id="chart-history-heading">Chart versions</h2>
      {history === null ? (
        <p className="notice">The version history could not be read.</p>
      ) : (
        <ol className="chart-history" data-testid="chart-history">
          <li>
            <time dateTime={history.initial.at}>{formatDateTime(history.initial.at)}</time>
            <div>
              <span className="mono">{history.initial.version ?? "default"}</span> — first version
              {history.initial.version === null ? " (assigned on the controller's first pass)" : ""}
            </div>
          </li>
          {history.entries.map((entry) => (
            <li
              key={entry.rolloutId}
              className={
                entry.outcome === "failed" || entry.outcome === "rolled-back"
                  ? "warning"
                  : undefined
              }
            >
              <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              <div>
                <span className="mono">
                  {entry.fromVersion} → {entry.toVersion}
                </span>{" "}
                <MemberStateBadge state={entry.outcome} />
                {entry.reason ? <div className="small">{entry.reason}</div> : null}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
