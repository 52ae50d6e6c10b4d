// Level: unit. Two rules of the package layout (issue 13, DESIGN "Packages"),
// read from the files git tracks, so a new file cannot slip past them:
// - index files and shipped modules list their exports by name: no `export *`
//   (or `export * as`), which would publish whatever a module happens to export;
// - production code never reaches test-only code: no `testing` entry or
//   folder, no vitest. Test files, `testing/` folders and `test/` folders are
//   where test helpers live.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(import.meta.dirname, "../..");

/** TypeScript files git tracks; images/medusa is a Medusa app with its own conventions and build. */
function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "*.ts", "*.tsx"], { cwd: repoRoot })
    .toString()
    .split("\n")
    .filter((file) => file && !file.startsWith("images/"));
}

/** `export * from` and `export * as x from` in a file: each as "line: text". */
function starExports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  return source.statements
    .filter(
      (s) =>
        ts.isExportDeclaration(s) &&
        (s.exportClause === undefined || ts.isNamespaceExport(s.exportClause)),
    )
    .map((s) => `${source.getLineAndCharacterOfPosition(s.getStart()).line + 1}: ${s.getText()}`);
}

/** Code that ships: sources of packages and apps, minus tests and test tools. */
function isProductionFile(file: string): boolean {
  if (!/^(packages|apps)\/[^/]+\//.test(file)) return false;
  if (/\.test\.tsx?$/.test(file)) return false;
  const segments = file.split("/");
  if (segments.includes("testing") || segments.includes("test")) return false;
  // Scripts beside an app are benchmarks and tools, not what runs in production.
  if (segments[2] === "scripts" || segments[2] === "bin") return false;
  // Config files at a package's root (vitest.config.ts, vite.config.ts).
  if (segments.length === 3 && /\.config\.ts$/.test(file)) return false;
  return true;
}

/** Imports of test-only code: a `testing` entry or folder, or vitest. */
function testOnlyImports(fileName: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter(
      (specifier) =>
        specifier === "vitest" ||
        specifier.startsWith("vitest/") ||
        specifier.split("/").includes("testing") ||
        /(^|\/)testing\.tsx?$/.test(specifier),
    )
    .map((specifier) => `${fileName} imports "${specifier}"`);
}

describe("the checks themselves", () => {
  it("see an export * and an export * as, and not a named list", () => {
    const text =
      'export * from "./a.ts";\nexport * as b from "./b.ts";\nexport { c } from "./c.ts";\n';
    expect(starExports("x/index.ts", text)).toEqual([
      '1: export * from "./a.ts";',
      '2: export * as b from "./b.ts";',
    ]);
  });

  it("see a testing entry, a testing folder and vitest, and not a look-alike", () => {
    const text = [
      'import { a } from "@storeplane/db/testing";',
      'import { b } from "../testing/fake.ts";',
      'import { describe } from "vitest";',
      'import { c } from "./attesting.ts";',
      'const d = await import("@storeplane/k8s/testing");',
    ].join("\n");
    expect(testOnlyImports("f.ts", text)).toEqual([
      'f.ts imports "@storeplane/db/testing"',
      'f.ts imports "../testing/fake.ts"',
      'f.ts imports "vitest"',
      'f.ts imports "@storeplane/k8s/testing"',
    ]);
  });

  it("count app and package sources as production, and tests, tools and configs not", () => {
    expect(isProductionFile("packages/db/src/connect.ts")).toBe(true);
    expect(isProductionFile("apps/web/app/routes/stores.new.tsx")).toBe(true);
    expect(isProductionFile("apps/web/server.ts")).toBe(true);
    expect(isProductionFile("packages/db/testing/index.ts")).toBe(false);
    expect(isProductionFile("packages/k8s/src/testing/fake-api-server.ts")).toBe(false);
    expect(isProductionFile("apps/controller/test/harness.ts")).toBe(false);
    expect(isProductionFile("apps/web/app/utils/store-change-hub.db.test.ts")).toBe(false);
    expect(isProductionFile("apps/web/scripts/screenshots.ts")).toBe(false);
    expect(isProductionFile("packages/db/vitest.config.ts")).toBe(false);
    expect(isProductionFile("scripts/bench-wakeup.ts")).toBe(false);
  });
});

describe("package rules, over every tracked file", () => {
  const files = trackedFiles();

  // Every shipped module, not only index files: a module an index names
  // (domain.ts, say) would otherwise publish whatever its `export *` reaches.
  it("no index file and no production module uses export *", () => {
    const indexFiles = files.filter((file) => /(^|\/)index\.tsx?$/.test(file));
    expect(indexFiles.length).toBeGreaterThan(3);
    const checked = [...new Set([...indexFiles, ...files.filter(isProductionFile)])];
    const found = checked.flatMap((file) =>
      starExports(file, readFileSync(join(repoRoot, file), "utf8")).map((s) => `${file}:${s}`),
    );
    expect(found, "list the exports by name instead").toEqual([]);
  });

  it("no production code imports a testing entry, a testing folder or vitest", () => {
    const production = files.filter(isProductionFile);
    expect(production.length).toBeGreaterThan(50);
    const found = production.flatMap((file) =>
      testOnlyImports(file, readFileSync(join(repoRoot, file), "utf8")),
    );
    expect(found).toEqual([]);
  });
});
