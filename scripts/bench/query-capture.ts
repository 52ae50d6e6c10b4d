// Which SQL statements one request really issues, and how Postgres runs them.
// The benchmark process holds the whole server (API and dashboard), so every
// statement goes through node-postgres' Client.query: while capturing, that
// method records the text and parameters of each call, then the statements
// are re-run under EXPLAIN (ANALYZE, BUFFERS) inside a rolled-back transaction
// (so a write such as a session's last-seen update leaves nothing behind).
// Measurement instrumentation for the benchmarks only; never in the product.
import pg from "pg";

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

const TRANSACTION_CONTROL =
  /^\s*(begin|commit|rollback|start transaction|set |savepoint|release )/i;

export async function captureQueries(run: () => Promise<unknown>): Promise<CapturedQuery[]> {
  const captured: CapturedQuery[] = [];
  const original = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
  // Client.query has a dozen overloads; we only observe its first two arguments.
  const observed = function (this: pg.Client, ...args: unknown[]) {
    const [config, values] = args as [string | { text?: string; values?: unknown[] }, unknown];
    const text = typeof config === "string" ? config : config?.text;
    if (typeof text === "string" && !TRANSACTION_CONTROL.test(text)) {
      const params = Array.isArray(values)
        ? values
        : typeof config === "object"
          ? (config.values ?? [])
          : [];
      captured.push({ text, values: params });
    }
    return original.apply(this, args);
  };
  pg.Client.prototype.query = observed as typeof pg.Client.prototype.query;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = original as typeof pg.Client.prototype.query;
  }
  return captured;
}

export interface ExplainedQuery extends CapturedQuery {
  plan: string;
  /** Relations read by a sequential scan ("Seq Scan on stores"). */
  seqScans: string[];
}

export async function explainQueries(
  databaseUrl: string,
  queries: CapturedQuery[],
): Promise<ExplainedQuery[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const out: ExplainedQuery[] = [];
    for (const q of queries) {
      await client.query("begin");
      try {
        const result = await client.query(`explain (analyze, buffers) ${q.text}`, q.values);
        const plan = result.rows.map((r) => r["QUERY PLAN"]).join("\n");
        const seqScans = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1] as string);
        out.push({ ...q, plan, seqScans });
      } finally {
        await client.query("rollback");
      }
    }
    return out;
  } finally {
    await client.end();
  }
}

/** A statement on one line, for the report. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
