// Level: unit. Label selectors as k8s.io/apimachinery/pkg/labels/selector.go
// reads them: the fake API server and the simulated cluster select with this.
import { describe, expect, it } from "vitest";
import { fieldMatcher, matchesLabelSelector, parseLabelSelector } from "./label-selector.ts";

const labels = { app: "web", tier: "front", "storeplane.io/store-id": "s1" };

describe("label selectors", () => {
  it.each([
    ["app=web", true],
    ["app==web", true],
    ["app=db", false],
    ["app!=db", true],
    ["missing!=x", true], // != also matches objects without the key
    ["app in (web,db)", true],
    ["app in (db)", false],
    ["missing in (x)", false],
    ["app notin (db)", true],
    ["missing notin (x)", true],
    ["storeplane.io/store-id", true],
    ["!storeplane.io/store-id", false],
    ["!missing", true],
    ["app=web,tier in (front, back),!missing", true],
    ["app=web,tier=back", false],
    ["", true],
  ])("%s → %s", (selector, expected) => {
    expect(matchesLabelSelector(labels, selector)).toBe(expected);
  });

  it("refuses what the API server cannot parse, naming the term", () => {
    expect(() => parseLabelSelector("app in ()")).toThrow(/needs at least one value/);
    expect(() => parseLabelSelector("bad key=x")).toThrow(/invalid label key "bad key"/);
  });

  it("field selectors: =, ==, != on nested fields", () => {
    const event = { type: "Warning", metadata: { name: "e1" } };
    expect(fieldMatcher("type=Warning")(event)).toBe(true);
    expect(fieldMatcher("type!=Warning")(event)).toBe(false);
    expect(fieldMatcher("metadata.name==e1,type=Normal")(event)).toBe(false);
  });
});
