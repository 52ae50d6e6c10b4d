// Level: unit. Every published version reads like a Map of the entries at the
// time it was published, whatever was written afterwards.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BucketedMap } from "./bucketed-map.ts";

const key = fc.integer({ min: 0, max: 600 }).map((i) => `store-${i}`);
const op = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant("delete" as const), key }),
  fc.record({ kind: fc.constant("publish" as const) }),
);

describe("BucketedMap", () => {
  it("publishes versions equal to a plain Map at that moment, unchanged by later writes", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const map = new BucketedMap<number>();
        const reference = new Map<string, number>();
        const versions: [Map<string, number>, Map<string, number>][] = [];
        for (const o of ops) {
          if (o.kind === "set") {
            map.set(o.key, o.value);
            reference.set(o.key, o.value);
          } else if (o.kind === "delete") {
            map.delete(o.key);
            reference.delete(o.key);
          } else versions.push([map.publish(), new Map(reference)]);
        }
        versions.push([map.publish(), new Map(reference)]);
        for (const [version, expected] of versions) {
          expect(version.size).toBe(expected.size);
          expect(new Map(version)).toEqual(expected);
          expect([...version.keys()].sort()).toEqual([...expected.keys()].sort());
          expect([...version.values()].length).toBe(expected.size);
          for (const [k, v] of expected) {
            expect(version.get(k)).toBe(v);
            expect(version.has(k)).toBe(true);
          }
          expect(version.get("absent")).toBeUndefined();
          let seen = 0;
          version.forEach((v, k) => {
            expect(expected.get(k)).toBe(v);
            seen += 1;
          });
          expect(seen).toBe(expected.size);
        }
      }),
      { numRuns: 200, seed: 14 },
    );
  });

  it("refuses writes to a published version", () => {
    const map = new BucketedMap<number>();
    map.set("a", 1);
    const version = map.publish();
    expect(() => version.set("b", 2)).toThrow(/read-only/);
    expect(() => version.delete("a")).toThrow(/read-only/);
    expect(() => version.clear()).toThrow(/read-only/);
    expect(version.get("a")).toBe(1);
  });

  it("a write after publishing copies one bucket, not the map", () => {
    const map = new BucketedMap<number>();
    for (let i = 0; i < 10_000; i++) map.set(`store-${i}`, i);
    const before = map.publish();
    map.set("store-5", -5);
    const after = map.publish();
    expect(before.get("store-5")).toBe(5);
    expect(after.get("store-5")).toBe(-5);
    // The other buckets are the same objects in both versions.
    const shared = (v: Map<string, number>) =>
      (v as unknown as { buckets: Map<string, number>[] }).buckets;
    const same = shared(before).filter((b, i) => b === shared(after)[i]).length;
    expect(same).toBe(shared(before).length - 1);
  });
});
