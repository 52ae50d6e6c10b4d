// The typed client over HTTP: tRPC with superjson, a bearer token, and the
// server's field messages and error codes read back from a failed call.
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../root.ts";

export interface CreateClientOptions {
  /** The dashboard's base URL (e.g. http://localhost:3000) or the full tRPC endpoint (…/api/trpc). */
  url: string;
  /** An API token (sp_…) or a session token (sps_…). */
  token?: string | undefined;
  /** Injected fetch (tests, proxies). */
  fetch?: typeof fetch;
}

export type StoreplaneClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export function createClient(options: CreateClientOptions): StoreplaneClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: trpcEndpoint(options.url),
        transformer: superjson,
        headers: () => (options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

export function trpcEndpoint(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  return trimmed.endsWith("/api/trpc") ? trimmed : `${trimmed}/api/trpc`;
}

/** The server's field messages on a failed call, e.g. `{ name: ["must be 3–40 characters"] }`. */
export function clientFieldErrors(error: unknown): Record<string, string[]> | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { fieldErrors?: Record<string, string[]> | null } | undefined;
  return data?.fieldErrors ?? null;
}

/** The tRPC error code of a failed call ("NOT_FOUND", "UNAUTHORIZED", …), or null for transport errors. */
export function clientErrorCode(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { code?: string } | undefined;
  return data?.code ?? null;
}
