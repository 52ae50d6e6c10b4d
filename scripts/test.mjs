#!/usr/bin/env node
// `npm test`: lint, typecheck and every package's vitest suite through turbo,
// then one summary of what ran at which level (the level is in each test
// file's name: foo.unit.test.ts, foo.db.test.ts, ...). Skipped suites are listed
// with their reasons so nothing that did not run can pass for a pass.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const reports = join(root, ".reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const toolsBin = join(root, ".tools", "bin");
const env = { ...process.env, PATH: `${process.env.PATH}:${toolsBin}` };
const concurrency = process.env.TEST_CONCURRENCY ?? "2";
const run = (args) =>
  spawnSync("npx", ["turbo", "run", ...args, `--concurrency=${concurrency}`, "--continue"], {
    cwd: root,
    env,
    stdio: "inherit",
  }).status;

const lintStatus = spawnSync("npx", ["biome", "check", "."], {
  cwd: root,
  env,
  stdio: "inherit",
}).status;
const typecheckStatus = run(["typecheck"]);
const testStatus = run(["test"]);

const LEVELS = {
  unit: "unit",
  db: "PGlite + real Postgres",
  sim: "real database + simulated cluster (test tool)",
  helm: "real helm rendering",
  fakeapi: "fake Kubernetes API server",
  s3: "real S3-compatible server (s3rver)",
  engine: "real engine",
  browser: "real browser",
  cluster: "real cluster",
  cli: "real processes",
};
const byLevel = {};
let passed = 0;
let failed = 0;
let skipped = 0;
let realPostgres = 0;
const skippedSuites = new Set();
const brokenFiles = [];
for (const file of existsSync(reports) ? readdirSync(reports) : []) {
  const report = JSON.parse(readFileSync(join(reports, file), "utf8"));
  for (const suite of report.testResults ?? []) {
    const level = basename(suite.name).match(/\.([a-z0-9]+)\.test\.tsx?$/)?.[1] ?? "unlabelled";
    byLevel[level] ??= { passed: 0, failed: 0, skipped: 0 };
    const tests = suite.assertionResults ?? [];
    if (suite.status === "failed" && !tests.some((test) => test.status === "failed")) {
      // The file failed outside any test (load error, a failing beforeAll):
      // its tests show as skipped, but the file is a failure.
      failed += 1;
      byLevel[level].failed += 1;
      brokenFiles.push(`${basename(suite.name)}: ${(suite.message ?? "").split("\n")[0]}`);
    }
    for (const test of suite.assertionResults ?? []) {
      const name = [...(test.ancestorTitles ?? []), test.title].join(" > ");
      if (test.status === "passed") {
        passed += 1;
        byLevel[level].passed += 1;
        if (name.includes("[real Postgres]")) realPostgres += 1;
      } else if (test.status === "failed") {
        failed += 1;
        byLevel[level].failed += 1;
      } else {
        skipped += 1;
        byLevel[level].skipped += 1;
        const reason =
          (test.ancestorTitles ?? []).find((title) => /skipped/i.test(title)) ?? test.title;
        skippedSuites.add(`${basename(suite.name)}: ${reason}`);
      }
    }
  }
}

console.log("\n=== Test summary by level ===");
for (const [level, counts] of Object.entries(byLevel).sort()) {
  console.log(
    `  ${(LEVELS[level] ?? level).padEnd(46)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  );
}
console.log(`  tests that ran against real Postgres: ${realPostgres}`);
if (brokenFiles.length > 0) {
  console.log("  test files that failed outside their tests (counted as failures):");
  for (const line of brokenFiles) console.log(`    - ${line}`);
}
if (skippedSuites.size > 0) {
  console.log("  skipped (not counted as passing):");
  for (const line of [...skippedSuites].sort()) console.log(`    - ${line}`);
}

let status = lintStatus || typecheckStatus || testStatus ? 1 : 0;
if (lintStatus) console.log("  lint failed (biome check .)");
if (typecheckStatus) console.log("  typecheck failed");
if (process.env.REQUIRE_REAL_POSTGRES === "1" && realPostgres === 0) {
  console.log("  REQUIRE_REAL_POSTGRES=1 but no test ran against real Postgres");
  status = 1;
}
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status || (failed > 0 ? 1 : 0));
