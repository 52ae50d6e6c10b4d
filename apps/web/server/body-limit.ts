// Request bodies are capped while they are read, before anyone is
// authenticated and before Remix or tRPC parse them: express.raw (body-parser
// over raw-body) refuses a Content-Length above the limit without reading a
// byte, and stops reading a chunked body the moment it passes the limit. The
// buffered body then goes to Remix (remix-handler.ts) instead of the socket.
import express, { type ErrorRequestHandler, type RequestHandler } from "express";

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export function describeBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MB`
    : bytes % 1024 === 0
      ? `${bytes / 1024} KB`
      : `${bytes} bytes`;
}

export function bodyLimit(limitBytes: number): RequestHandler[] {
  const read = express.raw({
    limit: limitBytes,
    // Every content type: forms, JSON, multipart, anything.
    type: () => true,
    // A compressed body could inflate past any limit: refuse encodings outright (415).
    inflate: false,
  });
  const refuse: ErrorRequestHandler = (error, _req, res, next) => {
    const kind = (error as { type?: string }).type;
    const status = (error as { status?: number }).status ?? 400;
    if (kind === "entity.too.large") {
      res
        .status(413)
        .set("Connection", "close")
        .type("text/plain")
        .send(
          `Request body too large: the limit is ${describeBytes(limitBytes)} (${limitBytes} bytes) per request.`,
        );
      return;
    }
    if (kind === "encoding.unsupported") {
      res.status(415).type("text/plain").send("Compressed request bodies are not accepted.");
      return;
    }
    if (kind === "request.aborted" || kind === "request.size.invalid") {
      res
        .status(400)
        .set("Connection", "close")
        .type("text/plain")
        .send("Incomplete request body.");
      return;
    }
    if (status >= 400 && status < 500) {
      res.status(status).type("text/plain").send("Bad request body.");
      return;
    }
    next(error);
  };
  return [read, refuse as unknown as RequestHandler];
}
