// Serves the embedded PGlite database over the Postgres wire protocol so that
// the dashboard and the controller, two processes in `npm run dev`, share one
// database without a Postgres install. Development only.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedServer(options: {
  dataDir: string;
  port: number;
  host?: string;
}): Promise<EmbeddedServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const pglite = new PGlite(options.dataDir);
  await pglite.waitReady;
  const host = options.host ?? "127.0.0.1";
  const server = new PGLiteSocketServer({
    db: pglite,
    port: options.port,
    host,
    maxConnections: 100,
  });
  await server.start();
  return {
    url: `postgres://postgres@${host}:${options.port}/postgres`,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
