// Level: sim — the real production server (built Remix bundle), real
// Postgres, the real controller loop and the SIMULATED cluster, spoken to
// over plain HTTP (no browser needed). It runs in the browser suite's harness
// because it needs the same production build and database.
//
// Hostile requests must not cost the server work: bodies are capped while they
// are read, batches are capped before any call runs, and a spoofed
// X-Forwarded-For cannot buy a fresh rate-limit bucket.
import { request as httpRequest } from "node:http";
import { Readable } from "node:stream";
import { expect, it } from "vitest";
import { describeBrowser } from "./support/browser.ts";

const MB = 1024 * 1024;

/** Streams `bytes` of form data without ever holding them in memory; resolves with the answer. */
function postBody(
  url: string,
  bytes: number,
  options: { chunked: boolean },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= bytes) return this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(options.chunked ? {} : { "content-length": String(bytes) }),
        },
      },
      (res) => {
        let body = "";
        res.on("data", (data) => {
          body += data;
        });
        res.on("end", () => {
          source.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    // The server closes the connection after its 413: an EPIPE/ECONNRESET while still sending is expected.
    req.on("error", (error) => (sent > 0 ? undefined : reject(error)));
    source.pipe(req);
  });
}

describeBrowser("request limits before work", { logLevel: "error" }, (suite) => {
  it.each([
    [5, false],
    [200, false],
    [200, true],
  ])(
    "refuses a %d MB body (chunked: %s) with 413 naming the limit, RSS growing < 50 MB",
    async (size, chunked) => {
      const url = `${suite.platform().url}/stores/new`;
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      const answer = await postBody(url, size * MB, { chunked });
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const growth = (peak - before) / MB;
      console.info(
        `body ${size} MB${chunked ? " chunked" : ""}: RSS ${(before / MB).toFixed(0)} MB → peak ${(peak / MB).toFixed(0)} MB (+${growth.toFixed(1)} MB)`,
      );
      expect(answer.status).toBe(413);
      expect(answer.body).toContain("the limit is 1 MB");
      expect(growth).toBeLessThan(50);
    },
  );

  it("refuses a tRPC batch of 1,000 calls with 400 naming the limit, before any runs", async () => {
    const paths = Array.from({ length: 1000 }, () => "health.check").join(",");
    const response = await fetch(
      `${suite.platform().url}/api/trpc/${paths}?batch=1&input=${encodeURIComponent("{}")}`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("the limit is 50");
    const ok = await fetch(`${suite.platform().url}/api/trpc/health.check,health.check?batch=1`);
    expect(ok.status).toBe(200);
  });
});

describeBrowser(
  "proxy trust is explicit",
  { logLevel: "error", apiEnv: { RATE_LIMIT_LOGIN: "3", RATE_LIMIT_LOGIN_PER_IP: "3" } },
  (suite) => {
    it("a spoofed X-Forwarded-For does not move a client into a fresh login rate-limit bucket", async () => {
      const base = suite.platform().url;
      const attempt = async (forwardedFor: string) => {
        const page = await fetch(`${base}/login`);
        const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
        const cookie = page.headers
          .getSetCookie()
          .map((line) => line.split(";")[0])
          .join("; ");
        const response = await fetch(`${base}/login`, {
          method: "POST",
          redirect: "manual",
          headers: {
            cookie,
            origin: new URL(base).origin,
            "x-forwarded-for": forwardedFor,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({
            csrf,
            email: "victim@example.com",
            password: "wrong-password-1",
          }),
        });
        return { status: response.status, text: await response.text() };
      };
      for (let i = 1; i <= 3; i += 1) {
        expect((await attempt(`203.0.113.${i}`)).text).toContain("Wrong email or password");
      }
      // A "new" address from the header: still the same socket, still the same bucket.
      const spoofed = await attempt("198.51.100.77");
      expect(spoofed.text).toMatch(/too many requests/i);
    });
  },
);
