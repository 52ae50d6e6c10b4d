// Level: unit. The plan text people read is rendered from the limits the quota grants.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { describePlan, PLAN_LIMITS } from "./plans.ts";

describe("describePlan", () => {
  it("says what PLAN_LIMITS grant, for every plan", () => {
    expect(describePlan("small")).toBe("up to 2 CPU · 3 GiB memory · 10 GiB storage");
    for (const plan of Object.keys(PLAN_LIMITS) as (keyof typeof PLAN_LIMITS)[]) {
      const limits = PLAN_LIMITS[plan];
      expect(describePlan(plan)).toContain(`${limits.memory.replace("Gi", " GiB")} memory`);
    }
  });
});

// The docs show the quota per plan as a table between markers; the table is
// rendered here from PLAN_LIMITS, so a changed limit fails until the docs say it.
describe("plan tables in the docs", () => {
  const repoRoot = resolve(import.meta.dirname, "../../..");
  const START = "<!-- plan-limits:start -->";
  const END = "<!-- plan-limits:end -->";
  const gib = (quantity: string) => quantity.replace(/Gi$/, " GiB");
  const expected = [
    "| Plan | CPU | Memory | Storage | Pods | Volume claims |",
    "| --- | --- | --- | --- | --- | --- |",
    ...Object.entries(PLAN_LIMITS).map(
      ([plan, l]) =>
        `| ${plan} | ${l.cpu} | ${gib(l.memory)} | ${gib(l.storage)} | ${l.pods} | ${l.pvcs} |`,
    ),
  ].join("\n");
  const documents = [
    "README.md",
    ...readdirSync(join(repoRoot, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
  ];
  const withTable = documents.filter((f) =>
    readFileSync(join(repoRoot, f), "utf8").includes(START),
  );

  it("the production guide carries one", () => {
    expect(withTable).toContain("docs/production.md");
  });

  it.each(withTable)("%s matches PLAN_LIMITS", (file) => {
    const text = readFileSync(join(repoRoot, file), "utf8");
    const table = text.slice(text.indexOf(START) + START.length, text.indexOf(END)).trim();
    expect(table, `replace the table in ${file} with:\n${expected}`).toBe(expected);
  });
});
