// Level: unit. Time formatting that must agree between server and browser.
import { describe, expect, it } from "vitest";
import { formatAge, formatClock, formatDuration } from "./format.ts";

describe("format", () => {
  const now = Date.parse("2026-11-23T12:00:00.000Z");
  it("formats ages against the loader's clock", () => {
    expect(formatAge("2026-11-23T11:59:30.000Z", now)).toBe("30s");
    expect(formatAge("2026-11-23T11:15:00.000Z", now)).toBe("45m");
    expect(formatAge("2026-11-23T09:30:00.000Z", now)).toBe("2h 30m");
    expect(formatAge("2026-11-20T12:00:00.000Z", now)).toBe("3d");
    expect(formatAge("2026-11-23T12:00:05.000Z", now)).toBe("0s");
  });
  it("formats durations and UTC clock times", () => {
    expect(formatDuration(42_400)).toBe("42 s");
    expect(formatDuration(95_000)).toBe("1 min 35 s");
    expect(formatClock("2026-11-23T08:04:05.000Z")).toBe("08:04:05");
  });
});
