import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { EngineLabel, PhaseBadge, QuotaMeter } from "../components/store-bits.tsx";
import { requireUser, storeLimitFor } from "../utils/auth.server.ts";
import { formatAge } from "../utils/format.ts";
import { storeLinks } from "../utils/store-links.ts";
import { useStoreEvents } from "../utils/use-store-events.ts";

export const meta: MetaFunction = () => [{ title: "Stores · storeplane" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, api } = await requireUser(request, context);
  const [stores, cluster] = await Promise.all([api.stores.list({}), context.clusterStatus()]);
  return json({
    now: Date.now(),
    // Live stores count against the quota until the controller has removed them.
    quota: { used: stores.length, limit: storeLimitFor(user, context) },
    stores: stores.map((store) => {
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
  const { stores, quota, now } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const deleted = searchParams.get("deleted");
  useStoreEvents();
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
        {stores.length === 0 ? (
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
