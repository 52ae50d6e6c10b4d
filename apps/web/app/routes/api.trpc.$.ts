// The tRPC HTTP API for scripts and storectl, served by the dashboard at
// /api/trpc. One resource route passes both loader (queries) and action
// (mutations) to the fetch handler. It authenticates by bearer token only, so
// the dashboard's cookies give it no ambient authority (no CSRF surface).
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { createTrpcFetchHandler } from "@storeplane/api";

const handlers = new WeakMap<object, ReturnType<typeof createTrpcFetchHandler>>();

function handle(request: Request, context: AppLoadContext): Promise<Response> {
  let handler = handlers.get(context.apiDeps);
  if (!handler) {
    handler = createTrpcFetchHandler(context.apiDeps);
    handlers.set(context.apiDeps, handler);
  }
  return handler(request, { ip: context.ip });
}

export function loader({ request, context }: LoaderFunctionArgs) {
  return handle(request, context);
}

export function action({ request, context }: ActionFunctionArgs) {
  return handle(request, context);
}
