// storectl's printing: the live progress line and the progress description.
import { describe, expect, it } from "vitest";
import { age, chartHistoryLines, type Output, progressPrinter, table } from "../src/cli/output.ts";
import { type ClientStore, currentCondition, describeProgress } from "../src/client/progress.ts";

function fakeOutput(progressIsTTY: boolean) {
  const written: string[] = [];
  const out: Output = {
    json: false,
    write: (text) => written.push(`out:${text}`),
    error: (text) => written.push(`err:${text}`),
    progress: (text) => written.push(text),
    progressIsTTY,
  };
  return { out, written };
}

const condition = (type: string, status: "True" | "False" | "Unknown", message = "") => ({
  type,
  status,
  reason: "R",
  message,
  observedGeneration: 1,
  lastTransitionTime: "2026-11-23T00:00:00Z",
});

const store = (patch: Partial<ClientStore>) =>
  ({
    name: "shop",
    phase: "Provisioning",
    conditions: [],
    lastError: null,
    deletedAt: null,
    ...patch,
  }) as ClientStore;

describe("progress line", () => {
  it("rewrites one line in place on a terminal, and ends it with a newline", () => {
    const { out, written } = fakeOutput(true);
    const progress = progressPrinter(out);
    progress.update("shop: Pending");
    progress.update("shop: Pending");
    progress.update("shop: Ready");
    progress.done();
    expect(written).toEqual(["\r\x1b[2Kshop: Pending", "\r\x1b[2Kshop: Ready", "\n"]);
  });

  it("prints one plain line per change when not a terminal", () => {
    const { out, written } = fakeOutput(false);
    const progress = progressPrinter(out);
    progress.update("shop: Pending");
    progress.update("shop: Pending");
    progress.update("shop: Ready");
    progress.done();
    expect(written).toEqual(["shop: Pending\n", "shop: Ready\n"]);
  });
});

describe("final line", () => {
  it("is printed once when it is the progress line already shown (terminal or not)", () => {
    for (const tty of [true, false]) {
      const { out, written } = fakeOutput(tty);
      const progress = progressPrinter(out);
      progress.update("shop: Provisioning");
      progress.update("shop: Ready");
      progress.finish("shop: Ready");
      const text = written.join("");
      expect(text.match(/shop: Ready/g)).toHaveLength(1);
      expect(text.endsWith("shop: Ready\n")).toBe(true);
    }
  });

  it("is printed when the last poll showed something else", () => {
    const { out, written } = fakeOutput(false);
    const progress = progressPrinter(out);
    progress.update("shop: Provisioning");
    progress.finish("shop: Ready");
    expect(written).toEqual(["shop: Provisioning\n", "shop: Ready\n"]);
  });
});

describe("describeProgress", () => {
  it("names the first condition that is not yet True, in the controller's order", () => {
    const s = store({
      conditions: [
        condition("WorkloadsReady", "False", "waiting for wordpress"),
        condition("NamespaceReady", "True"),
        condition("ReleaseReady", "Unknown", "helm install running"),
      ],
    });
    expect(currentCondition(s)?.type).toBe("ReleaseReady");
    expect(describeProgress(s)).toBe(
      "shop: Provisioning — ReleaseReady=Unknown (helm install running)",
    );
  });

  it("says what the controller is doing (Reconciling) or why it stopped (Stalled)", () => {
    const reconciling = {
      ...condition("Reconciling", "True", "installing release, revision 1"),
      reason: "Installing",
    };
    expect(
      describeProgress(
        store({ conditions: [condition("ReleaseReady", "False", "not installed"), reconciling] }),
      ),
    ).toBe("shop: Provisioning — Reconciling (installing release, revision 1)");
    const stalled = {
      ...condition("Stalled", "True", "chart not readable"),
      reason: "ChartMissing",
    };
    expect(
      describeProgress(
        store({
          phase: "Failed",
          lastError: "chart not readable",
          conditions: [condition("Ready", "False"), stalled],
        }),
      ),
    ).toBe("shop: Failed — Stalled (ChartMissing: chart not readable) — error: chart not readable");
    expect(
      currentCondition(store({ conditions: [stalled, condition("Ready", "False")] }))?.type,
    ).toBe("Ready");
  });

  it("shows the error of a Failed store and nothing extra for Ready or deleted ones", () => {
    expect(describeProgress(store({ phase: "Failed", lastError: "ImagePullBackOff" }))).toBe(
      "shop: Failed — error: ImagePullBackOff",
    );
    expect(
      describeProgress(store({ phase: "Ready", conditions: [condition("Ready", "True")] })),
    ).toBe("shop: Ready");
    expect(describeProgress(store({ phase: "Deleted", deletedAt: new Date() }))).toBe(
      "shop: deleted",
    );
  });
});

describe("tables", () => {
  it("pads columns and trims trailing space", () => {
    expect(
      table([
        ["A", "BB"],
        ["long", "x"],
      ]),
    ).toBe("A     BB\nlong  x");
  });

  it("says ages the way kubectl does", () => {
    const now = Date.parse("2026-11-23T12:00:00Z");
    expect(age(new Date(now - 30_000), now)).toBe("30s");
    expect(age(new Date(now - 10 * 60_000), now)).toBe("10m");
    expect(age(new Date(now - 5 * 3600_000), now)).toBe("5h");
    expect(age(new Date(now - 3 * 86_400_000), now)).toBe("3d");
  });
});

describe("chartHistoryLines", () => {
  it("prints the first version, then each rollout with its outcome and reason", () => {
    const text = chartHistoryLines({
      initial: { version: "0.1.0", at: new Date("2026-12-01T09:00:00Z") },
      entries: [
        {
          fromVersion: "0.1.0",
          toVersion: "0.2.0",
          outcome: "succeeded",
          reason: null,
          at: new Date("2026-12-01T10:00:00Z"),
        },
        {
          fromVersion: "0.2.0",
          toVersion: "0.3.0",
          outcome: "rolled-back",
          reason: "not Ready on 0.3.0 within 600s",
          at: "2026-12-01T11:00:00.000Z",
        },
      ],
    });
    expect(text.split("\n")).toEqual([
      "Chart history:",
      "  WHEN                      VERSION         OUTCOME      REASON",
      "  2026-12-01T09:00:00.000Z  0.1.0           first",
      "  2026-12-01T10:00:00.000Z  0.1.0 -> 0.2.0  succeeded",
      "  2026-12-01T11:00:00.000Z  0.2.0 -> 0.3.0  rolled-back  not Ready on 0.3.0 within 600s",
    ]);
  });

  it("says (default) while no version is assigned yet", () => {
    const text = chartHistoryLines({ initial: { version: null, at: new Date(0) }, entries: [] });
    expect(text).toContain("1970-01-01T00:00:00.000Z  (default)  first");
  });
});
