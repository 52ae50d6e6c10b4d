// What "Open storefront" / "Open admin" lead to on the simulated cluster: no
// shop runs there, so instead of a dead *.localhost host the dashboard says
// plainly that this store is simulated, and what the real one would show.
import { json, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { EngineLabel } from "../components/store-bits.tsx";
import { requireUser } from "../utils/auth.server.ts";
import { isApiError } from "../utils/errors.server.ts";
import type { StoreView } from "../utils/store-links.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `${data.store.name} ${data.view} (simulated) · storeplane`
      : "Simulated store · storeplane",
  },
];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { api } = await requireUser(request, context);
  const view = params.view;
  if (view !== "storefront" && view !== "admin") {
    throw new Response("No such page: a store has a storefront and an admin.", { status: 404 });
  }
  let store: Awaited<ReturnType<typeof api.stores.get>>;
  try {
    store = await api.stores.get({ id: params.storeId ?? "" });
  } catch (error) {
    if (isApiError(error, "NOT_FOUND", "BAD_REQUEST")) {
      throw new Response("No store here, or it is not yours to see.", { status: 404 });
    }
    throw error;
  }
  const realUrl = view === "storefront" ? store.storeUrl : store.adminUrl;
  const cluster = await context.clusterStatus();
  // On a real cluster the store's own address is the page; go there.
  if (cluster.mode !== "simulated" && realUrl) throw redirect(realUrl);
  return json({
    view: view as StoreView,
    realUrl,
    store: { id: store.id, name: store.name, engine: store.engine, phase: store.phase },
  });
}

const REAL: Record<string, Record<StoreView, string[]>> = {
  woocommerce: {
    storefront: [
      "the shop's home page in the Storefront theme, opened to the public",
      "a sample product you can put in the cart",
      "checkout with Cash on delivery, ending on an order confirmation",
    ],
    admin: [
      "the WordPress admin (wp-admin), where you sign in with the credentials from the store's page",
      "WooCommerce → Orders, listing every order placed in the shop",
      "products, payments and the theme, all yours to change",
    ],
  },
  medusa: {
    storefront: [
      "a light storefront listing the seeded products, with stock",
      "a cart and checkout with the seeded shipping option",
      "an order confirmation once the order is placed",
    ],
    admin: [
      "the Medusa admin (at /app), where you sign in with the credentials from the store's page",
      "Orders, listing every order placed through the storefront or the Store API",
      "products, regions, stock and the publishable API key",
    ],
  },
};

export default function SimulatedStorePage() {
  const { store, view, realUrl } = useLoaderData<typeof loader>();
  const what = view === "storefront" ? "storefront" : "admin";
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link to="/stores">Stores</Link> / <Link to={`/stores/${store.id}`}>{store.name}</Link>{" "}
            / {what}
          </div>
          <h1>
            {store.name} is a simulated store: there is no {what} to open
          </h1>
        </div>
      </div>
      <section className="card" aria-labelledby="simulated-heading" data-testid="simulated-store">
        <h2 id="simulated-heading">Why you are here</h2>
        <p>
          This dashboard runs on the <strong>simulated cluster</strong> (
          <code>CLUSTER=simulated</code>), a test and demo tool. It walks stores through the same
          pipeline as a real cluster, but no <EngineLabel engine={store.engine} /> runs anywhere, so
          nothing answers at {realUrl ? <code>{realUrl}</code> : "the store's address"}.
        </p>
        <h2>What a real store would show here</h2>
        <p>On a real cluster this link opens {realUrl ? <code>{realUrl}</code> : "the store"}:</p>
        <ul>
          {(REAL[store.engine]?.[view] ?? []).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p>
          To get one, run the platform on a cluster (<code>npm run up</code> creates a local kind
          cluster) or start <code>npm run dev</code> without <code>CLUSTER=simulated</code> with a
          kubeconfig that reaches one.
        </p>
        <p>
          <Link to={`/stores/${store.id}`}>Back to {store.name}</Link>
        </p>
      </section>
    </>
  );
}
