// Search and paging for long store and user lists: a plain GET form (works
// without JavaScript; the query string is the state) and next/first links
// that keep the current filters.

import { Form, Link, useSearchParams } from "@remix-run/react";
import { ENGINES, PHASES } from "@storeplane/db/domain";
import type { ListSearch } from "../utils/list-search.ts";
import { withParams } from "../utils/list-search.ts";

const ENGINE_NAMES: Record<string, string> = { woocommerce: "WooCommerce", medusa: "Medusa" };

function FieldErrors({ id, label, errors }: { id: string; label: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <ul className="field-error" id={id} aria-live="polite">
      {errors.map((message) => (
        <li key={message}>
          {label} {message}
        </li>
      ))}
    </ul>
  );
}

/** Name prefix, engine and phase (and owner for admins); submitting starts at the first page. */
export function StoreSearchForm({
  search,
  withOwner = false,
  label,
}: {
  search: Pick<ListSearch, "values" | "fieldErrors">;
  withOwner?: boolean;
  label: string;
}) {
  const { values, fieldErrors } = search;
  const filtered = Boolean(values.q || values.engine || values.phase || values.owner);
  return (
    <Form method="get" role="search" aria-label={label} className="list-search">
      <div className="field">
        <label htmlFor="search-q">Name starts with</label>
        <input
          id="search-q"
          name="q"
          type="text"
          defaultValue={values.q ?? ""}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={fieldErrors.q ? true : undefined}
          aria-describedby={fieldErrors.q ? "search-q-error" : undefined}
        />
        <FieldErrors id="search-q-error" label="Name" errors={fieldErrors.q} />
      </div>
      {withOwner ? (
        <div className="field">
          <label htmlFor="search-owner">Owner email</label>
          <input
            id="search-owner"
            name="owner"
            type="text"
            defaultValue={values.owner ?? ""}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={fieldErrors.owner ? true : undefined}
            aria-describedby={fieldErrors.owner ? "search-owner-error" : undefined}
          />
          <FieldErrors id="search-owner-error" label="Owner" errors={fieldErrors.owner} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="search-engine">Engine</label>
        <select id="search-engine" name="engine" defaultValue={values.engine ?? ""}>
          <option value="">Any</option>
          {ENGINES.map((engine) => (
            <option key={engine} value={engine}>
              {ENGINE_NAMES[engine] ?? engine}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="search-phase">Status</label>
        <select id="search-phase" name="phase" defaultValue={values.phase ?? ""}>
          <option value="">Any</option>
          {PHASES.map((phase) => (
            <option key={phase} value={phase}>
              {phase}
            </option>
          ))}
        </select>
      </div>
      <div className="list-search-actions">
        <button type="submit" className="btn">
          Search
        </button>
        {filtered ? (
          <Link to="?" className="btn btn-ghost">
            Clear
          </Link>
        ) : null}
      </div>
    </Form>
  );
}

/** "51–100 of 940 stores" with links to the first and the next page. */
export function Pager({
  total,
  shown,
  page,
  limit,
  nextCursor,
  noun,
  prefix = "",
}: {
  total: number;
  shown: number;
  page: number;
  limit: number;
  nextCursor: string | null;
  noun: string;
  /** Query-string prefix, when a page has two paged lists. */
  prefix?: string;
}) {
  const [params] = useSearchParams();
  const onFirst = !params.get(`${prefix}cursor`);
  if (onFirst && !nextCursor) {
    return (
      <p className="pager muted small" data-testid={`${prefix}pager`}>
        {total} {noun}
      </p>
    );
  }
  const from = shown === 0 ? 0 : (page - 1) * limit + 1;
  return (
    <nav className="pager" aria-label={`Pages of ${noun}`} data-testid={`${prefix}pager`}>
      <span className="muted small" data-testid={`${prefix}pager-range`}>
        {shown === 0 ? `none of ${total}` : `${from}–${from + shown - 1} of ${total}`} {noun}
      </span>
      <span className="row">
        {onFirst ? null : (
          <Link
            className="btn btn-sm"
            to={withParams(params, {
              [`${prefix}cursor`]: undefined,
              [`${prefix}page`]: undefined,
            })}
          >
            First page
          </Link>
        )}
        {nextCursor ? (
          <Link
            className="btn btn-sm"
            rel="next"
            to={withParams(params, {
              [`${prefix}cursor`]: nextCursor,
              [`${prefix}page`]: page + 1,
            })}
          >
            Next page
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
