import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { Engine, Phase } from "@storeplane/db/domain";
import { Pager, StoreSearchForm } from "../components/list-controls.tsx";
import { EngineLabel, PhaseBadge } from "../components/store-bits.tsx";
import { requireAdmin } from "../utils/auth.server.ts";
import { formatAge, formatDateTime } from "../utils/format.ts";
import { parseListSearch } from "../utils/list-search.ts";
import { useStoreEvents } from "../utils/use-store-events.ts";

export const meta: MetaFunction = () => [{ title: "Admin · storeplane" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireAdmin(request, context);
  const params = new URL(request.url).searchParams;
  const search = parseListSearch(params, ["q", "owner", "engine", "phase", "cursor"]);
  const userSearch = parseListSearch(params, ["cursor"], "users-");
  const { q, owner, engine, phase, cursor } = search.values;
  const [users, stores, live] = await Promise.all([
    api.admin.users(userSearch.values.cursor ? { cursor: userSearch.values.cursor } : {}),
    api.admin.stores({
      ...(q ? { namePrefix: q } : {}),
      ...(owner ? { owner } : {}),
      ...(engine ? { engine: engine as Engine } : {}),
      ...(phase ? { phase: phase as Phase } : {}),
      ...(cursor ? { cursor } : {}),
    }),
    // Live stores platform-wide, whatever the search shows.
    api.admin.stores({ includeDeleted: false, limit: 1 }),
  ]);
  const config = context.apiDeps.config;
  return json({
    now: Date.now(),
    limits: { perUser: config.storeLimitPerUser, platform: config.storeLimitPlatform },
    live: live.total,
    search: { values: search.values, fieldErrors: search.fieldErrors },
    storesPager: {
      total: stores.total,
      page: search.page,
      limit: stores.limit,
      nextCursor: stores.nextCursor,
    },
    usersPager: {
      total: users.total,
      page: userSearch.page,
      limit: users.limit,
      nextCursor: users.nextCursor,
    },
    users: users.items.map((user) => ({
      id: user.id,
      email: user.email,
      role: user.role,
      liveStores: user.liveStores,
      storeLimit: user.storeLimit ?? config.storeLimitPerUser,
      createdAt: user.createdAt,
    })),
    stores: stores.items.map((store) => ({
      id: store.id,
      name: store.name,
      engine: store.engine,
      plan: store.plan,
      phase: store.deletedAt ? "Deleted" : store.phase,
      ownerEmail: store.ownerEmail,
      createdAt: store.createdAt,
    })),
  });
}

export default function AdminPage() {
  const { users, stores, limits, now, live, search, storesPager, usersPager } =
    useLoaderData<typeof loader>();
  // Live updates only for the rows on screen: at thousands of stores a page
  // re-fetch per change anywhere would never stop.
  const onScreen = new Set(stores.map((store) => store.id));
  useStoreEvents((storeId) => onScreen.has(storeId));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Admin</h1>
          <p>
            {live} of {limits.platform} platform stores in use · {usersPager.total} users · default
            limit {limits.perUser} stores per user
          </p>
        </div>
        <Link to="/admin/rollouts" className="btn">
          Rollouts
        </Link>
      </div>
      <section className="card" style={{ padding: 0 }} aria-labelledby="all-stores">
        <h2 id="all-stores" style={{ padding: "1.1rem 1.25rem 0" }}>
          All stores
        </h2>
        <div className="card-head list-head">
          <StoreSearchForm search={search} withOwner label="Search all stores" />
        </div>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Owner</th>
                <th scope="col">Engine</th>
                <th scope="col" className="hide-sm">
                  Plan
                </th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-sm">
                  Age
                </th>
              </tr>
            </thead>
            <tbody>
              {stores.map((store) => (
                <tr key={store.id}>
                  <td>
                    <Link to={`/stores/${store.id}`} className="store-name">
                      {store.name}
                    </Link>
                  </td>
                  <td>{store.ownerEmail ?? "—"}</td>
                  <td>
                    <EngineLabel engine={store.engine} />
                  </td>
                  <td className="hide-sm">{store.plan}</td>
                  <td>
                    <PhaseBadge phase={store.phase} />
                  </td>
                  <td className="hide-sm">{formatAge(store.createdAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="list-foot">
          <Pager
            total={storesPager.total}
            shown={stores.length}
            page={storesPager.page}
            limit={storesPager.limit}
            nextCursor={storesPager.nextCursor}
            noun="stores"
          />
        </div>
      </section>
      <section className="card" style={{ padding: 0 }} aria-labelledby="all-users">
        <h2 id="all-users" style={{ padding: "1.1rem 1.25rem 0" }}>
          Users
        </h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Stores</th>
                <th scope="col" className="hide-sm">
                  Joined
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <td>{user.email}</td>
                  <td>
                    <span
                      className={`badge badge-plain${user.role === "admin" ? " badge-admin" : ""}`}
                    >
                      {user.role}
                    </span>
                  </td>
                  <td>
                    {user.liveStores} of {user.storeLimit}
                  </td>
                  <td className="hide-sm">{formatDateTime(user.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="list-foot">
          <Pager
            total={usersPager.total}
            shown={users.length}
            page={usersPager.page}
            limit={usersPager.limit}
            nextCursor={usersPager.nextCursor}
            noun="users"
            prefix="users-"
          />
        </div>
      </section>
    </>
  );
}
