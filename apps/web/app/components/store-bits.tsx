// Small presentational pieces shared by the stores list, detail and admin pages.

const ENGINE_LABELS: Record<string, { label: string; mark: string }> = {
  woocommerce: { label: "WooCommerce", mark: "W" },
  medusa: { label: "Medusa", mark: "M" },
};

export function EngineLabel({ engine }: { engine: string }) {
  const known = ENGINE_LABELS[engine] ?? { label: engine, mark: "?" };
  return (
    <span className="engine">
      <span className={`engine-mark engine-${engine}`} aria-hidden="true">
        {known.mark}
      </span>
      {known.label}
    </span>
  );
}

export function PhaseBadge({ phase }: { phase: string }) {
  return (
    <span className={`badge badge-${phase}`} data-phase={phase}>
      {phase}
    </span>
  );
}

export function QuotaMeter({ used, limit }: { used: number; limit: number }) {
  const percent = limit > 0 ? Math.min(100, Math.round((used / limit) * 100)) : 0;
  return (
    <div className="quota">
      <div className="quota-label">
        <span>Store quota</span>
        <span data-testid="quota">
          {used} of {limit} stores
        </span>
      </div>
      <div className={`meter${used >= limit ? " meter-full" : ""}`} aria-hidden="true">
        <span style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
