// Paging inputs shared by every list procedure, the dashboard's search forms
// and storectl. A cursor is opaque to clients (base64url of a small JSON
// value): they pass back what the previous page returned, so the server may
// change what it holds without breaking them. Browser-safe: btoa/atob, no Buffer.
import { z } from "zod";
import { requiredString } from "./common.ts";

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;
const limitRule = `must be between 1 and ${PAGE_LIMIT_MAX}`;

export const pageLimitSchema = z
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, limitRule)
  .max(PAGE_LIMIT_MAX, limitRule);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor a page hands out: where the next page starts (after this row). */
export function encodeCursor(afterId: string): string {
  return btoa(JSON.stringify({ after: afterId }))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** The row id inside a cursor, or null when the text is not a cursor we made. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    const after = (value as { after?: unknown } | null)?.after;
    return typeof after === "string" && UUID.test(after) ? after : null;
  } catch {
    return null;
  }
}

/** Validates a cursor and yields the row id it carries. */
export const cursorSchema = requiredString().transform((cursor, ctx) => {
  const after = decodeCursor(cursor);
  if (after) return after;
  ctx.addIssue({
    code: "custom",
    message: "is not a cursor from this list (pass nextCursor of the previous page)",
  });
  return z.NEVER;
});

/** What every list procedure returns. */
export interface PageOf<Item> {
  items: Item[];
  /** Rows matching the filters over all pages. */
  total: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** The page size used. */
  limit: number;
}
