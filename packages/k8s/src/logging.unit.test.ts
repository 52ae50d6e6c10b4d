// Level: unit. The one redaction list censors every secret in the shapes the
// processes log (request headers, tRPC inputs and results, Kubernetes Secrets,
// engine API keys) and keeps everything else readable.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, REDACT_CENSOR } from "./logging.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "trace" }, stream) };
}

describe("createLogger's redaction", () => {
  it("censors secrets in every shape a process logs, and keeps the rest", () => {
    const { lines, logger } = capture();
    logger.trace(
      {
        req: {
          method: "POST",
          headers: { authorization: "Bearer sp_SECRET1", cookie: "sp_session=SECRET2", host: "h" },
        },
        res: { status: 200, headers: { "set-cookie": ["sp_session=SECRET3; Path=/"] } },
      },
      "request headers",
    );
    logger.trace(
      { path: "auth.signup", input: { email: "a@b.test", password: "SECRET4" } },
      "call",
    );
    logger.trace({ output: { sessionToken: "SECRET5", user: { email: "a@b.test" } } }, "result");
    logger.trace({ output: { token: "sp_SECRET6", info: { prefix: "sp_abc" } } }, "result");
    logger.trace({ output: { username: "admin", password: "SECRET7" } }, "result");
    logger.debug(
      {
        object: {
          kind: "Secret",
          metadata: { name: "store-credentials" },
          data: { "admin-password": "U0VDUkVUOA==" },
          stringData: { "jwt-secret": "SECRET9" },
        },
      },
      "secret",
    );
    logger.info({ "admin-password": "SECRET10", nested: { "cookie-secret": "SECRET11" } }, "keys");
    logger.info({ woo: { consumerKey: "ck_SECRET12", consumerSecret: "cs_SECRET13" } }, "engine");
    logger.info({ password: "SECRET14", token: "SECRET15" }, "top level");

    const text = lines.join("");
    expect(lines).toHaveLength(9);
    expect(text).not.toMatch(/SECRET|U0VDUkVUOA/);
    // Each secret was there to censor, and the rest is kept.
    expect(text.split(`"${REDACT_CENSOR}"`).length - 1).toBeGreaterThanOrEqual(14);
    for (const kept of [
      '"method":"POST"',
      '"host":"h"',
      '"email":"a@b.test"',
      '"username":"admin"',
      '"prefix":"sp_abc"',
      "auth.signup",
      "store-credentials",
    ]) {
      expect(text).toContain(kept);
    }
  });

  it("a caller cannot swap in its own (shorter) list", () => {
    const { lines } = capture();
    const lines2: string[] = [];
    const logger = createLogger(
      { level: "info", redact: { paths: ["nothing"] } },
      new Writable({
        write(chunk, _e, done) {
          lines2.push(String(chunk));
          done();
        },
      }),
    );
    logger.info({ input: { password: "SECRET" } }, "call");
    expect(lines).toEqual([]);
    expect(lines2.join("")).not.toContain("SECRET");
  });
});
