// Opens the platform database: real Postgres when a URL is given, otherwise the
// embedded PGlite (in memory, or persisted in a directory). Both speak the same
// SQL, run the same migrations and support LISTEN/NOTIFY for wake-ups.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { Database } from "./schema.ts";

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Where the data lives, safe to log (never contains a password). */
  description: string;
  /** Subscribe to a NOTIFY channel; returns an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL. When absent, PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; in memory when absent. */
  dataDir?: string | undefined;
  poolSize?: number;
  /** Called when the dedicated LISTEN connection fails; wake-ups then fall back to the interval sweep until it reconnects. */
  onListenError?: (error: Error) => void;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir);
}

/** A URL with its password removed, for logs and health output. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `Postgres at ${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "Postgres (unparseable URL)";
  }
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listeners: pg.Client[] = [];
  return {
    db,
    kind: "postgres",
    description: describePostgresUrl(url),
    async listen(channel, onNotify) {
      // LISTEN needs one connection that stays open: a pooled one would be
      // handed to other queries and lose the subscription.
      const client = new pg.Client({ connectionString: url });
      client.on("error", (error) => options.onListenError?.(error));
      await client.connect();
      client.on("notification", (message) => {
        if (message.channel === channel) onNotify(message.payload ?? "");
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.push(client);
      return async () => {
        listeners.splice(listeners.indexOf(client), 1);
        await client.end().catch(() => undefined);
      };
    },
    async close() {
      await Promise.all(listeners.map((client) => client.end().catch(() => undefined)));
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    description: dataDir ? `PGlite (embedded) at ${dataDir}` : "PGlite (embedded, in memory)",
    async listen(channel, onNotify) {
      return pglite.listen(channel, onNotify);
    },
    async close() {
      // Kysely's driver closes the PGlite instance.
      await db.destroy();
    },
  };
}
