// The stores and admin pages' search forms are plain GET forms: the query
// string is the state, so a search works without JavaScript, can be
// bookmarked, and the back button walks pages. This turns the query string
// into list input with the API's own field schemas; a bad field is shown
// beside the form and left out of the query instead of failing the page.
import {
  cursorSchema,
  engineSchema,
  fieldErrorsOf,
  namePrefixSchema,
  ownerRefSchema,
  phaseSchema,
} from "@storeplane/api/schemas";
import type { z } from "zod";

const FIELDS = {
  q: namePrefixSchema,
  engine: engineSchema,
  phase: phaseSchema,
  owner: ownerRefSchema,
  cursor: cursorSchema,
} satisfies Record<string, z.ZodType>;
export type ListSearchField = keyof typeof FIELDS;

export interface ListSearch {
  /** Valid values as typed (the cursor still encoded), for inputs and links. */
  values: Partial<Record<ListSearchField, string>>;
  fieldErrors: Partial<Record<ListSearchField, string[]>>;
  /** 1 for the first page; only for display ("51–100 of 940"). */
  page: number;
}

export function parseListSearch(
  params: URLSearchParams,
  fields: readonly ListSearchField[],
  prefix = "",
): ListSearch {
  const values: ListSearch["values"] = {};
  const fieldErrors: ListSearch["fieldErrors"] = {};
  for (const field of fields) {
    let raw = params.get(`${prefix}${field}`)?.trim() ?? "";
    // Store names are lowercase: "Shop" finds "shop-1" rather than an error.
    if (field === "q") raw = raw.toLowerCase();
    if (raw === "") continue;
    const parsed = FIELDS[field].safeParse(raw);
    if (parsed.success) values[field] = raw;
    // One value, so every issue is at the root: the API's mapping keeps the first rule broken.
    else fieldErrors[field] = Object.values(fieldErrorsOf(parsed.error)).flat();
  }
  // A page number without a cursor would claim a position it is not at.
  const page = values.cursor ? Number.parseInt(params.get(`${prefix}page`) ?? "", 10) : 1;
  return { values, fieldErrors, page: Number.isInteger(page) && page > 1 ? page : 1 };
}

/** The current URL's query with some keys replaced or removed (undefined), for page links. */
export function withParams(
  params: URLSearchParams,
  changes: Record<string, string | number | undefined>,
): string {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === "") next.delete(key);
    else next.set(key, String(value));
  }
  const query = next.toString();
  return query ? `?${query}` : "?";
}
