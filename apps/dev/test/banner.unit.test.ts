import { describe, expect, it } from "vitest";
import { startupBanner } from "../src/banner.ts";

const base = { url: "http://127.0.0.1:3000", database: "PGlite (embedded) at /repo/.data/pglite" };

describe("npm run dev start-up banner", () => {
  it("names the URL, the simulated mode, the database and how to reset it", () => {
    const text = startupBanner({
      ...base,
      pgliteDataDir: "/repo/.data/pglite",
      cluster: { mode: "simulated", reachable: true, context: "simulated", message: "simulated" },
    });
    expect(text).toContain("dashboard  http://127.0.0.1:3000");
    expect(text).toMatch(/mode\s+SIMULATED cluster/);
    expect(text).toContain("database   PGlite (embedded) at /repo/.data/pglite");
    expect(text).toContain("delete /repo/.data/pglite");
  });

  it("says what the dashboard banner says when no kubeconfig exists", () => {
    const message =
      "no kubeconfig found: set KUBECONFIG or create ~/.kube/config (kind and k3s write one), or run inside a cluster";
    const text = startupBanner({
      ...base,
      pgliteDataDir: null,
      cluster: { mode: "kube", reachable: false, context: null, message },
    });
    expect(text).toContain(`cluster unreachable: ${message}.`);
    expect(text).not.toMatch(/HTTP protocol|reset:/);
  });

  it("strips the reader's 'unreachable:' prefix, as the banner does, and keeps the context", () => {
    const text = startupBanner({
      ...base,
      pgliteDataDir: null,
      cluster: {
        mode: "kube",
        reachable: false,
        context: "kind-storeplane",
        message: "unreachable: connect ECONNREFUSED 127.0.0.1:6443",
      },
    });
    expect(text).toContain(
      "cluster unreachable (kind-storeplane): connect ECONNREFUSED 127.0.0.1:6443.",
    );
  });
});
