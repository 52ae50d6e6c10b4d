// Report: the public surface of each workspace package — how many names each
// `exports` entry offers, and which of them other workspaces actually import.
// A name nobody outside the package uses is a candidate for un-exporting
// (issue 13: "each package exports by name only what other packages use").
//
//   npx tsx scripts/public-surface.ts            # counts per package
//   npx tsx scripts/public-surface.ts --unused   # and the unused names
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";

const root = resolve(import.meta.dirname, "..");
const PACKAGES = ["packages/db", "packages/k8s", "packages/api", "apps/controller", "apps/web"];

interface Entry {
  pkg: string;
  specifier: string;
  file: string;
}

function entries(): Entry[] {
  const out: Entry[] = [];
  for (const dir of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target !== "string") continue;
      const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      out.push({ pkg: dir, specifier, file: resolve(root, dir, target) });
    }
  }
  return out;
}

const all = entries();
const program = ts.createProgram(
  all.map((e) => e.file),
  {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    jsx: ts.JsxEmit.ReactJSX,
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();

function exportedNames(file: string): string[] {
  const source = program.getSourceFile(file);
  const symbol = source && checker.getSymbolAtLocation(source);
  return symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : [];
}

/** specifier → names imported by files outside the owning package. */
function importedNames(): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  const files = execFileSync("git", ["ls-files", "*.ts", "*.tsx", "*.mjs"], { cwd: root })
    .toString()
    .split("\n")
    .filter((f) => f && !f.startsWith("images/"));
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        const specifier = node.moduleSpecifier.text;
        const entry = all.find((e) => e.specifier === specifier);
        // Imports from inside the owning package are not a use of its surface.
        if (entry && !file.startsWith(`${entry.pkg}/`)) {
          const names = used.get(specifier) ?? new Set<string>();
          used.set(specifier, names);
          const bindings = ts.isImportDeclaration(node)
            ? node.importClause?.namedBindings
            : node.exportClause;
          if (bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings)))
            for (const el of bindings.elements) names.add((el.propertyName ?? el.name).text);
          else names.add("*");
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return used;
}

const used = importedNames();
const showUnused = process.argv.includes("--unused");
const rows: Record<string, string | number>[] = [];
const perEntry: Record<string, string | number>[] = [];
for (const pkg of PACKAGES) {
  let exported = 0;
  let unused = 0;
  for (const entry of all.filter((e) => e.pkg === pkg)) {
    const names = exportedNames(entry.file);
    const usedHere = used.get(entry.specifier) ?? new Set();
    const idle = usedHere.has("*") ? [] : names.filter((n) => !usedHere.has(n));
    exported += names.length;
    perEntry.push({ entry: entry.specifier, exported: names.length, unused: idle.length });
    unused += idle.length;
    if (showUnused && idle.length) console.log(`${entry.specifier}: ${idle.sort().join(", ")}`);
  }
  rows.push({ package: pkg, entries: all.filter((e) => e.pkg === pkg).length, exported, unused });
}
console.table(perEntry);
console.table(rows);
