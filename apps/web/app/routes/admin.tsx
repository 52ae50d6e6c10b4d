import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EngineLabel, PhaseBadge } from "../components/store-bits.tsx";
import { requireAdmin } from "../utils/auth.server.ts";
import { formatAge, formatDateTime } from "../utils/format.ts";
import { useStoreEvents } from "../utils/use-store-events.ts";

export const meta: MetaFunction = () => [{ title: "Admin · storeplane" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { api } = await requireAdmin(request, context);
  const [users, stores] = await Promise.all([api.admin.users(), api.admin.stores()]);
  const config = context.apiDeps.config;
  return json({
    now: Date.now(),
    limits: { perUser: config.storeLimitPerUser, platform: config.storeLimitPlatform },
    users: users.map((user) => ({
      id: user.id,
      email: user.email,
      role: user.role,
      liveStores: user.liveStores,
      storeLimit: user.storeLimit ?? config.storeLimitPerUser,
      createdAt: user.createdAt,
    })),
    stores: stores.map((store) => ({
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
  const { users, stores, limits, now } = useLoaderData<typeof loader>();
  useStoreEvents();
  const live = stores.filter((store) => store.phase !== "Deleted").length;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Admin</h1>
          <p>
            {live} of {limits.platform} platform stores in use · {users.length} users · default
            limit {limits.perUser} stores per user
          </p>
        </div>
      </div>
      <section className="card" style={{ padding: 0 }} aria-labelledby="all-stores">
        <h2 id="all-stores" style={{ padding: "1.1rem 1.25rem 0" }}>
          All stores
        </h2>
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
      </section>
    </>
  );
}
