// Server-sent events: one `store` event per change of a store this user may
// see (its owner, or any store for admins). The page re-fetches what changed;
// the stream carries only ids, never store data, so a leaked event says nothing.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getUser } from "../utils/auth.server.ts";

const HEARTBEAT_MS = 20_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await getUser(request, context);
  // Not a redirect to /login: EventSource would follow it and retry forever.
  // A 401 makes the browser give up; the next page load starts a new stream.
  if (!user) return new Response("sign in first", { status: 401 });
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // Tell EventSource to reconnect after 3 s if the server goes away.
      write("retry: 3000\n: connected\n\n");
      const unsubscribe = context.hub.subscribe({
        userId: user.id,
        isAdmin: user.role === "admin",
        send: ({ storeId }) => write(`event: store\ndata: ${JSON.stringify({ storeId })}\n\n`),
      });
      // Comments keep proxies (and the ingress) from closing an idle stream.
      const heartbeat = setInterval(() => write(": ping\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      request.signal.addEventListener("abort", () => cleanup(), { once: true });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
