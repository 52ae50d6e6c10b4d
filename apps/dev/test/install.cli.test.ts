// The README's first command, as a newcomer runs it: a fresh copy of the
// repository (tracked files only, no node_modules), `npm install`, and its
// output read for warnings. npm prints `npm warn EBADENGINE` for every package
// whose `engines` excludes the running Node (the README promises 20.19+), and
// `npm warn install-scripts` when a dependency's install script is neither
// approved nor denied in the root package.json's `allowScripts` (npm 11).
// `--prefer-offline` reads the local npm cache first, so the run takes about a
// minute instead of downloading everything again; the resolution is the same.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, "../../..");

async function copyTrackedFiles(target: string): Promise<void> {
  const { stdout } = await run("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
    cwd: REPO,
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of stdout.split("\0").filter(Boolean)) {
    const from = join(REPO, file);
    // Deleted-but-not-staged files are still listed by git; skip them.
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(from, join(target, file));
  }
}

describe("a fresh `npm install` (real npm, local cache first)", () => {
  const work = mkdtempSync(join(tmpdir(), "storeplane-install-"));
  // A whole node_modules: removing it takes a while on a busy machine.
  afterAll(() => rm(work, { recursive: true, force: true }), 180_000);

  it("prints no warning on the Node the README promises, and installs the pinned schema models", async () => {
    await copyTrackedFiles(work);
    const result = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: work,
      // The repo's own helm counts as "already installed", so the postinstall
      // does not fetch the layer tarball again (that path has its own output).
      env: { ...process.env, HELM_BIN: join(REPO, ".tools/bin/helm") },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    console.log(`npm install output:\n${output.trim()}`);

    expect(output).not.toMatch(/EBADENGINE/);
    expect(output).not.toMatch(/install-scripts/);
    expect(output.split("\n").filter((line) => /^npm (warn|WARN|ERR)/.test(line))).toEqual([]);
    expect(output).toMatch(/added \d+ packages/);

    const models = JSON.parse(
      readFileSync(join(work, "charts/node_modules/kubernetes-models/package.json"), "utf8"),
    ) as { version: string; engines?: { node?: string } };
    expect(models.engines?.node).toBe(">=14");
  }, 240_000);
});
