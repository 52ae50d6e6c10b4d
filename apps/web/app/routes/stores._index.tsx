import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { Engine, Phase } from "@storeplane/db/domain";
import { useEffect, useRef, useState } from "react";
import { Pager, StoreSearchForm } from "../components/list-controls.tsx";
import { EngineLabel, PhaseBadge, QuotaMeter } from "../components/store-bits.tsx";
import { requireUser, storeLimitFor } from "../utils/auth.server.ts";
import { formatAge } from "../utils/format.ts";
import { parseListSearch } from "../utils/list-search.ts";
import { storeLinks } from "../utils/store-links.ts";
import { useStoreEvents } from "../utils/use-store-events.ts";

export const meta: MetaFunction = () => [{ title: "Stores · storeplane" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, api } = await requireUser(request, context);
  const search = parseListSearch(new URL(request.url).searchParams, [
    "q",
    "engine",
    "phase",
    "cursor",
  ]);
  const { q, engine, phase, cursor } = search.values;
  const filtered = Boolean(q || engine || phase);
  const [page, unfiltered, cluster] = await Promise.all([
    api.stores.list({
      ...(q ? { namePrefix: q } : {}),
      ...(engine ? { engine: engine as Engine } : {}),
      ...(phase ? { phase: phase as Phase } : {}),
      ...(cursor ? { cursor } : {}),
    }),
    // The quota counts every live store, whatever the search shows.
    filtered ? api.stores.list({ limit: 1 }) : null,
    context.clusterStatus(),
  ]);
  return json({
    now: Date.now(),
    // Live stores count against the quota until the controller has removed them.
    quota: { used: (unfiltered ?? page).total, limit: storeLimitFor(user, context) },
    search: { values: search.values, fieldErrors: search.fieldErrors, filtered },
    pager: {
      total: page.total,
      page: search.page,
      limit: page.limit,
      nextCursor: page.nextCursor,
      first: !cursor,
    },
    stores: page.items.map((store) => {
      const links = storeLinks(store, cluster.mode);
      return {
        id: store.id,
        name: store.name,
        engine: store.engine,
        plan: store.plan,
        phase: store.phase,
        createdAt: store.createdAt,
        storeUrl: store.phase === "Ready" ? store.storeUrl : null,
        storeHref: store.phase === "Ready" ? links.storefront : null,
        adminHref: store.phase === "Ready" ? links.admin : null,
        message: store.phase === "Failed" ? store.lastError : null,
      };
    }),
  });
}

export default function StoresPage() {
  const { stores, quota, now, search, pager } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const deleted = searchParams.get("deleted");
  // Live updates for the rows on screen; on the unfiltered first page also for
  // stores not shown yet (a new store of this user's belongs at the top).
  const onScreen = new Set(stores.map((store) => store.id));
  const watchNew = pager.first && !search.filtered;
  useStoreEvents((storeId) => onScreen.has(storeId) || watchNew);
  const announcement = usePhaseAnnouncements(stores);
  const atLimit = quota.used >= quota.limit;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Stores</h1>
          <p>Every store runs in its own namespace with its own database and guardrails.</p>
        </div>
        <div className="row" style={{ alignItems: "flex-end", gap: "1.25rem" }}>
          <QuotaMeter used={quota.used} limit={quota.limit} />
          {atLimit ? (
            <span className="btn btn-primary" aria-disabled="true" title="Store quota reached">
              New store
            </span>
          ) : (
            <Link to="/stores/new" className="btn btn-primary">
              New store
            </Link>
          )}
        </div>
      </div>
      <p className="sr-only" aria-live="polite" data-testid="announcer">
        {announcement}
      </p>
      {deleted ? (
        <div className="notice" role="status">
          Deletion of <strong>{deleted}</strong> requested: the controller uninstalls it and removes
          its namespace; it disappears from this list when nothing is left.
        </div>
      ) : null}
      <div className="card" style={{ padding: 0 }}>
        {quota.used > 0 || search.filtered ? (
          <div className="card-head list-head">
            <StoreSearchForm search={search} label="Search your stores" />
          </div>
        ) : null}
        {stores.length === 0 && (search.filtered || !pager.first) ? (
          <div className="empty">
            <h2>No stores match</h2>
            <p>Try a shorter name or another status.</p>
            <Link to="?" className="btn">
              Show all stores
            </Link>
          </div>
        ) : stores.length === 0 ? (
          <div className="empty">
            <h2>No stores yet</h2>
            <p>Create a WooCommerce or Medusa store; it is ready in a minute or two.</p>
            <Link to="/stores/new" className="btn btn-primary">
              Create your first store
            </Link>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="stack-table" aria-describedby="stores-caption">
              <caption id="stores-caption" className="sr-only">
                Your stores, newest first. Status updates live.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Engine</th>
                  <th scope="col" className="hide-sm">
                    Plan
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col" className="hide-sm">
                    Age
                  </th>
                  <th scope="col">Links</th>
                </tr>
              </thead>
              <tbody>
                {stores.map((store) => (
                  <tr key={store.id} data-store={store.name}>
                    <td className="c-name">
                      <Link to={`/stores/${store.id}`} className="store-name">
                        {store.name}
                      </Link>
                    </td>
                    <td className="c-engine">
                      <EngineLabel engine={store.engine} />
                    </td>
                    <td className="hide-sm">{store.plan}</td>
                    <td className="c-status">
                      <PhaseBadge phase={store.phase} />
                      {store.message ? (
                        <div className="phase-message" title={store.message}>
                          {store.message}
                        </div>
                      ) : null}
                    </td>
                    <td className="hide-sm">
                      <time dateTime={String(store.createdAt)}>
                        {formatAge(store.createdAt, now)}
                      </time>
                    </td>
                    <td className="c-links">
                      {store.storeUrl && store.storeHref ? (
                        <div className="links">
                          {/* The visible text starts the accessible name (WCAG 2.5.3). */}
                          <a href={store.storeHref} target="_blank" rel="noreferrer">
                            {store.storeUrl.replace(/^https?:\/\//, "")}
                            <span className="sr-only">, storefront of {store.name}</span> ↗
                          </a>
                          {store.adminHref ? (
                            <a href={store.adminHref} target="_blank" rel="noreferrer">
                              admin<span className="sr-only"> of {store.name}</span> ↗
                            </a>
                          ) : null}
                        </div>
                      ) : (
                        <span className="muted small">
                          {store.phase === "Pending" || store.phase === "Provisioning"
                            ? "once Ready"
                            : "—"}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {stores.length > 0 ? (
          <div className="list-foot">
            <Pager
              total={pager.total}
              shown={stores.length}
              page={pager.page}
              limit={pager.limit}
              nextCursor={pager.nextCursor}
              noun="stores"
            />
          </div>
        ) : null}
      </div>
    </>
  );
}

/** One short sentence per status change for screen readers ("shop is Ready"), not the whole table. */
function usePhaseAnnouncements(stores: Array<{ id: string; name: string; phase: string }>): string {
  const [announcement, setAnnouncement] = useState("");
  const previous = useRef(new Map(stores.map((store) => [store.id, store] as const)));
  useEffect(() => {
    const before = previous.current;
    const changes = stores
      .filter((store) => before.has(store.id) && before.get(store.id)?.phase !== store.phase)
      .map((store) => `${store.name} is ${store.phase}`);
    const current = new Set(stores.map((store) => store.id));
    for (const [id, store] of before) {
      if (!current.has(id)) changes.push(`${store.name} is gone`);
    }
    previous.current = new Map(stores.map((store) => [store.id, store] as const));
    if (changes.length > 0) setAnnouncement(`${changes.join(". ")}.`);
  }, [stores]);
  return announcement;
}
