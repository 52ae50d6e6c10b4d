// Guards throw: a loader that needs a user calls requireUser and never sees
// an anonymous request.
import { type AppLoadContext, redirect } from "@remix-run/node";
import { type Api, getApi } from "./api.server.ts";
import { isApiError } from "./errors.server.ts";
import { getSessionToken } from "./session.server.ts";

export interface SessionUser {
  id: string;
  email: string;
  role: "admin" | "member";
  /** Per-user override of the platform's default store limit. */
  storeLimit: number | null;
}

export function storeLimitFor(user: SessionUser, context: AppLoadContext): number {
  return user.storeLimit ?? context.apiDeps.config.storeLimitPerUser;
}

// The root loader and the page's loader both need the user: resolve the
// session once per request (the load context is per request).
const resolved = new WeakMap<AppLoadContext, Promise<{ user: SessionUser | null; api: Api }>>();

export function getUser(
  request: Request,
  context: AppLoadContext,
): Promise<{ user: SessionUser | null; api: Api }> {
  let pending = resolved.get(context);
  if (!pending) {
    pending = resolveUser(request, context);
    resolved.set(context, pending);
  }
  return pending;
}

async function resolveUser(
  request: Request,
  context: AppLoadContext,
): Promise<{ user: SessionUser | null; api: Api }> {
  const api = await getApi(request, context);
  if (!(await getSessionToken(request))) return { user: null, api };
  try {
    const me = await api.auth.me();
    const user = me
      ? { id: me.id, email: me.email, role: me.role, storeLimit: me.storeLimit }
      : null;
    return { user, api };
  } catch (error) {
    if (isApiError(error, "UNAUTHORIZED")) return { user: null, api };
    throw error;
  }
}

export async function requireUser(
  request: Request,
  context: AppLoadContext,
): Promise<{ user: SessionUser; api: Api }> {
  const { user, api } = await getUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const redirectTo = `${url.pathname}${url.search}`;
    throw redirect(`/login?${new URLSearchParams({ redirectTo })}`);
  }
  return { user, api };
}

export async function requireAdmin(
  request: Request,
  context: AppLoadContext,
): Promise<{ user: SessionUser; api: Api }> {
  const result = await requireUser(request, context);
  if (result.user.role !== "admin") {
    throw new Response("Only administrators can open this page.", { status: 403 });
  }
  return result;
}

/** Only same-site paths: never redirect a login to another origin. */
export function safeRedirect(to: FormDataEntryValue | string | null, fallback = "/stores"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//")) return fallback;
  return to;
}
