import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { ClusterBanner } from "./components/cluster-banner.tsx";
import { CsrfInput } from "./components/csrf-input.tsx";
import appStylesHref from "./styles/app.css?url";
import { getUser } from "./utils/auth.server.ts";
import { getCsrfToken } from "./utils/csrf.server.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: appStylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "storeplane" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [{ user }, csrf, cluster] = await Promise.all([
    getUser(request, context),
    getCsrfToken(request, context),
    context.clusterStatus(),
  ]);
  return json({ user, csrf, cluster });
}

export type RootLoader = typeof loader;

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<RootLoader>("root");
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="topbar">
          <div className="topbar-inner">
            <Link to="/" className="logo">
              <span className="logo-mark" aria-hidden="true" />
              storeplane
            </Link>
            {data?.user ? (
              <>
                <nav className="nav" aria-label="Main">
                  <NavLink to="/stores" end>
                    Stores
                  </NavLink>
                  <NavLink to="/stores/new">New store</NavLink>
                  <NavLink to="/tokens">API tokens</NavLink>
                  {data.user.role === "admin" ? (
                    <>
                      <NavLink to="/admin" end>
                        Admin
                      </NavLink>
                      <NavLink to="/admin/rollouts">Rollouts</NavLink>
                    </>
                  ) : null}
                </nav>
                <div className="user-menu">
                  <span>
                    <span className="email">{data.user.email}</span>
                    {data.user.role === "admin" ? (
                      <>
                        {" "}
                        <span className="badge badge-admin badge-plain">admin</span>
                      </>
                    ) : null}
                  </span>
                  <Form method="post" action="/logout">
                    <CsrfInput />
                    <button type="submit" className="btn btn-ghost btn-sm">
                      Log out
                    </button>
                  </Form>
                </div>
              </>
            ) : (
              <nav className="nav" aria-label="Main">
                <span />
              </nav>
            )}
          </div>
        </header>
        {data?.cluster ? <ClusterBanner cluster={data.cluster} /> : null}
        <main id="main">{children}</main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let status = 500;
  let title = "Something went wrong";
  let detail = "The dashboard hit an unexpected error. Try again in a moment.";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    if (status === 404) {
      title = "Not found";
      detail =
        typeof error.data === "string" && error.data
          ? error.data
          : "There is nothing here, or it is not yours to see.";
    } else if (status === 403) {
      title = "Not allowed";
      detail = typeof error.data === "string" ? error.data : detail;
    } else {
      detail = typeof error.data === "string" && error.data ? error.data : detail;
    }
  }
  return (
    <div className="error-page">
      <p className="code">{status}</p>
      <h1>{title}</h1>
      <p className="muted">{detail}</p>
      <p>
        <Link to="/stores" className="btn">
          Back to your stores
        </Link>
      </p>
    </div>
  );
}
