// Remix behind Express, with the request body already read (and capped) by
// body-limit.ts. @remix-run/express's own handler streams the body straight
// from the socket, which would bypass the cap; this one is that adapter with
// the buffered body instead (URL, headers and abort handling as in
// @remix-run/express 2.17 createRemixRequest).
import {
  type AppLoadContext,
  createRequestHandler as createRemixHandler,
  type ServerBuild,
  writeReadableStreamToWritable,
} from "@remix-run/node";
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from "express";

export function remixRequestHandler(options: {
  build: ServerBuild | (() => Promise<ServerBuild>);
  /** Per request: "development" (errors with stacks) only where the caller allows it. */
  mode: (req: ExpressRequest) => "development" | "production";
  getLoadContext: (req: ExpressRequest) => AppLoadContext;
}) {
  const handlers = {
    development: createRemixHandler(options.build, "development"),
    production: createRemixHandler(options.build, "production"),
  };
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      const request = toFetchRequest(req, res);
      const response = await handlers[options.mode(req)](request, options.getLoadContext(req));
      await sendResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

function toFetchRequest(req: ExpressRequest, res: ExpressResponse): Request {
  // req.hostname respects "trust proxy"; the port comes from the Host header.
  const port = /:(\d+)$/.exec(req.get("host") ?? "")?.[1];
  const url = new URL(
    `${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`,
  );
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (values === undefined) continue;
    for (const value of Array.isArray(values) ? values : [values]) headers.append(key, value);
  }
  let controller: AbortController | null = new AbortController();
  res.on("finish", () => {
    controller = null;
  });
  res.on("close", () => controller?.abort());
  const init: RequestInit = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    init.body = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
  }
  return new Request(url.href, init);
}

async function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
