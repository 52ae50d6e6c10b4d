// Percentiles and timing loops shared by the benchmarks. Latencies are
// wall-clock per request as the caller sees them (performance.now()).
import { availableParallelism, loadavg } from "node:os";

/** The machine's load while measuring: figures taken on a busy machine say so. */
export function machineLoad(): string {
  const [one, five] = loadavg();
  return `load average ${one?.toFixed(1)} (1 min) / ${five?.toFixed(1)} (5 min) on ${availableParallelism()} CPUs`;
}

/** Nearest-rank percentile of already measured values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export const ms = (value: number) => Number(value.toFixed(1));

/**
 * `samples` calls of `call` spread over `connections` concurrent loops (each
 * loop waits for its previous answer, as one client connection would), after
 * `warmup` untimed calls. Returns each call's latency in ms.
 */
export async function timeCalls(
  call: () => Promise<unknown>,
  options: { samples: number; connections: number; warmup?: number },
): Promise<number[]> {
  for (let i = 0; i < (options.warmup ?? 20); i++) await call();
  const latencies: number[] = [];
  let remaining = options.samples;
  const loop = async () => {
    while (remaining > 0) {
      remaining -= 1;
      const started = performance.now();
      await call();
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  return latencies;
}
