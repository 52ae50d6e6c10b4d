// How storectl prints: tables and key/value blocks for people, JSON for
// scripts (--json), and a progress line that rewrites itself on a terminal.
import type { ClientStore } from "../client/progress.ts";

export interface Output {
  json: boolean;
  write(text: string): void;
  error(text: string): void;
  /** Where progress goes: stdout for people, stderr under --json so stdout stays one JSON document. */
  progress(text: string): void;
  progressIsTTY: boolean;
}

export function createOutput(json: boolean): Output {
  const progressStream = json ? process.stderr : process.stdout;
  return {
    json,
    write: (text) => process.stdout.write(text),
    error: (text) => process.stderr.write(text),
    progress: (text) => progressStream.write(text),
    progressIsTTY: Boolean(progressStream.isTTY),
  };
}

export function printJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function age(date: Date | null | undefined, now = Date.now()): string {
  if (!date) return "-";
  const seconds = Math.max(0, Math.round((now - new Date(date).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

export function storeTable(stores: ClientStore[]): string {
  return table([
    ["NAME", "ENGINE", "PLAN", "PHASE", "AGE", "URL"],
    ...stores.map((store) => [
      store.name,
      store.engine,
      store.plan,
      store.deletedAt ? "Deleted" : store.phase,
      age(store.createdAt),
      store.storeUrl ?? "-",
    ]),
  ]);
}

export function storeDetails(store: ClientStore): string {
  const lines = [
    `Name:        ${store.name}`,
    `ID:          ${store.id}`,
    `Engine:      ${store.engine}`,
    `Plan:        ${store.plan}`,
    `Phase:       ${store.deletedAt ? "Deleted" : store.phase}`,
    `URL:         ${store.storeUrl ?? "-"}`,
    `Admin URL:   ${store.adminUrl ?? "-"}`,
    `Generation:  ${store.generation} (observed ${store.observedGeneration})`,
    `Protection:  ${store.deletionProtection ? "on (delete is refused until it is turned off)" : "off"}`,
    `Created:     ${new Date(store.createdAt).toISOString()}`,
  ];
  lines.push(
    `Chart:       ${store.chartVersion ?? "(default, not yet assigned)"}${store.deployedChartVersion && store.deployedChartVersion !== store.chartVersion ? ` (runs ${store.deployedChartVersion})` : ""}`,
  );
  if (store.suspended)
    lines.push("Suspended:   yes (workloads at zero, data kept; `stores resume`)");
  if (store.readyAt) lines.push(`Ready since: ${new Date(store.readyAt).toISOString()}`);
  if (store.deletionRequestedAt) {
    lines.push(`Deletion:    requested ${new Date(store.deletionRequestedAt).toISOString()}`);
  }
  if (store.failureCount > 0) lines.push(`Failures:    ${store.failureCount}`);
  if (store.lastError) lines.push(`Last error:  ${store.lastError}`);
  if (store.conditions.length > 0) {
    lines.push("Conditions:");
    lines.push(
      table([
        ["  TYPE", "STATUS", "REASON", "MESSAGE"],
        ...store.conditions.map((c) => [`  ${c.type}`, c.status, c.reason, c.message]),
      ]),
    );
  }
  return lines.join("\n");
}

/** What `stores.chartHistory` answers, as far as the printout needs it. */
export interface ChartHistoryLike {
  initial: { version: string | null; at: Date | string };
  entries: Array<{
    fromVersion: string;
    toVersion: string;
    outcome: string;
    reason: string | null;
    at: Date | string;
  }>;
}

/** `stores get`'s chart history: the first version, then each rollout that touched the store. */
export function chartHistoryLines(history: ChartHistoryLike): string {
  const when = (at: Date | string) => new Date(at).toISOString();
  return [
    "Chart history:",
    table([
      ["  WHEN", "VERSION", "OUTCOME", "REASON"],
      [`  ${when(history.initial.at)}`, history.initial.version ?? "(default)", "first", ""],
      ...history.entries.map((e) => [
        `  ${when(e.at)}`,
        `${e.fromVersion} -> ${e.toVersion}`,
        e.outcome,
        e.reason ?? "",
      ]),
    ]),
  ].join("\n");
}

/** A live status line: rewritten in place on a terminal, one line per change otherwise. */
export function progressPrinter(out: Output) {
  let last = "";
  return {
    update(line: string) {
      if (line === last) return;
      last = line;
      if (out.progressIsTTY) out.progress(`\r\x1b[2K${line}`);
      else out.progress(`${line}\n`);
    },
    done() {
      if (out.progressIsTTY && last) out.progress("\n");
    },
    /** The final line, printed once: when it is the line already shown, only that line is ended. */
    finish(line: string) {
      this.update(line);
      this.done();
    },
  };
}
