// Level: unit. *.localhost names resolve to loopback in this process, whatever
// the system resolver says; other names still go to the system resolver.
import dns from "node:dns";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { isLocalhostName, resolveLocalhostNames } from "../src/localhost-dns.ts";

describe("resolving *.localhost", () => {
  it("recognises localhost names, case and trailing dot included", () => {
    expect(isLocalhostName("shop.localhost")).toBe(true);
    expect(isLocalhostName("Dashboard.LOCALHOST.")).toBe(true);
    expect(isLocalhostName("localhost")).toBe(true);
    expect(isLocalhostName("localhost.example.com")).toBe(false);
    expect(isLocalhostName("notlocalhost")).toBe(false);
  });

  it("answers 127.0.0.1 for single and all-address lookups (fetch uses both)", async () => {
    resolveLocalhostNames();
    const lookup = promisify(dns.lookup);
    expect(await lookup("shop.localhost")).toEqual({ address: "127.0.0.1", family: 4 });
    expect(await lookup("shop.localhost", { all: true })).toEqual([
      { address: "127.0.0.1", family: 4 },
    ]);
    // Anything else still reaches the real resolver.
    expect((await lookup("127.0.0.2")).address).toBe("127.0.0.2");
  });
});
