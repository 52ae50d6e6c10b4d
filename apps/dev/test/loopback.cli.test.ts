// Level: cli (real `npm run dev` processes, Linux /proc). The development
// server answers only this machine by default — the dashboard and Vite's HMR
// socket, and nothing else the dev process opens — and, when opened to the
// network with HOST=0.0.0.0, it still shows stack traces only to loopback
// clients (a spoofed X-Forwarded-For cannot claim to be loopback: no proxy is
// trusted by default).

import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDev } from "./support/dev-process.ts";
import { listeningSockets } from "./support/listening-sockets.ts";

const REPO = resolve(import.meta.dirname, "../../..");

/** This machine's first non-loopback IPv4 address, if it has one. */
const externalIp =
  Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address ?? null;

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

describe("npm run dev binds loopback only by default (real process)", () => {
  const work = mkdtempSync(join(tmpdir(), "storeplane-bind-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("every socket it listens on — dashboard and HMR included — is 127.0.0.1", async () => {
    const dev = await startDev({ CLUSTER: "simulated", PGLITE_DATA_DIR: join(work, "pglite") });
    try {
      const port = Number(new URL(dev.url).port);
      const sockets = listeningSockets(dev.pid);
      console.log(`listening: ${JSON.stringify(sockets)}`);
      // The dashboard and Vite's HMR WebSocket at least.
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      expect(sockets.map((s) => s.port)).toContain(port);
      expect(sockets.filter((s) => s.address !== "127.0.0.1")).toEqual([]);
      expect(new URL(dev.url).hostname).toBe("127.0.0.1");
      if (externalIp) {
        for (const s of sockets) {
          expect(await connects(externalIp, s.port), `${externalIp}:${s.port}`).toBe(false);
          expect(await connects("127.0.0.1", s.port), `127.0.0.1:${s.port}`).toBe(true);
        }
      }
    } finally {
      await dev.stop();
    }
  }, 200_000);
});

describe.skipIf(!externalIp)(
  `stack traces only to loopback clients, HOST=0.0.0.0 (real process)${externalIp ? "" : " — skipped: this machine has no non-loopback IPv4 address to connect from"}`,
  () => {
    const work = mkdtempSync(join(tmpdir(), "storeplane-stacks-"));
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it("loopback sees the stack (development); the network never does, spoofed X-Forwarded-For or not", async () => {
      const dev = await startDev({
        CLUSTER: "simulated",
        PGLITE_DATA_DIR: join(work, "pglite"),
        HOST: "0.0.0.0",
      });
      try {
        const port = Number(new URL(dev.url).port);
        const sockets = listeningSockets(dev.pid);
        expect(sockets.find((s) => s.port === port)?.address).toBe("0.0.0.0");

        // Two error paths: the tRPC error formatter (a refused call) and
        // Express's last-resort handler (a URL it cannot decode).
        const probe = async (host: string, headers: Record<string, string> = {}) => {
          const trpc = await fetch(`http://${host}:${port}/api/trpc/stores.list`, { headers });
          const express = await fetch(`http://${host}:${port}/%`, { headers });
          return {
            trpcStatus: trpc.status,
            trpc: await trpc.text(),
            expressStatus: express.status,
            express: await express.text(),
          };
        };

        const local = await probe("127.0.0.1");
        expect(local.trpcStatus).toBe(401);
        expect(local.trpc).toContain('"stack":"TRPCError');
        expect(local.expressStatus).toBe(500);
        expect(local.express).toContain("URIError");
        expect(local.express).toContain(REPO);

        const spoofs: Record<string, string>[] = [{}, { "x-forwarded-for": "127.0.0.1" }];
        for (const headers of spoofs) {
          const remote = await probe(externalIp as string, headers);
          expect(remote.trpcStatus).toBe(401);
          expect(remote.trpc).toContain("UNAUTHORIZED");
          expect(remote.trpc).not.toContain("stack");
          expect(remote.expressStatus).toBe(500);
          expect(remote.express).toBe("Internal server error.");
          for (const body of [remote.trpc, remote.express]) expect(body).not.toContain(REPO);
        }
      } finally {
        await dev.stop();
      }
    }, 200_000);
  },
);
