// Level: real processes. `npm run up` must stop at once, before touching
// anything, and name exactly the tools that are missing. Runs the real script
// with bash and a PATH we control (stub tools in a temp dir).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./helm.ts";

const TOOLS = ["docker", "kind", "kubectl", "helm"] as const;
const work = mkdtempSync(join(tmpdir(), "storeplane-up-"));
const called = join(work, "called");

afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A bin dir with stubs for `tools`; each stub records that it ran, docker's
 * `info` fails, and helm answers `version` as `helmVersion` (as real helm
 * prints `helm version --short`: v4.1.4+g05fa379).
 */
function binWith(tools: readonly string[], name: string, helmVersion = "v4.1.4+g05fa379"): string {
  const dir = join(work, name);
  spawnSync("mkdir", ["-p", dir]);
  for (const tool of tools) {
    const file = join(dir, tool);
    const body =
      tool === "docker"
        ? `#!/bin/sh\necho "docker $*" >> "${called}"\n[ "$1" = info ] && exit 1\nexit 0\n`
        : tool === "helm"
          ? `#!/bin/sh\necho "helm(${name}) $*" >> "${called}"\n[ "$1" = version ] && echo "${helmVersion}"\nexit 0\n`
          : `#!/bin/sh\necho "${tool} $*" >> "${called}"\nexit 0\n`;
    writeFileSync(file, body);
    chmodSync(file, 0o755);
  }
  return dir;
}

function up(path: string, toolsBin = join(work, "no-tools")) {
  const started = Date.now();
  const result = spawnSync("/bin/bash", [join(repoRoot, "scripts", "up.sh")], {
    env: { PATH: path, STOREPLANE_TOOLS_BIN: toolsBin },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

describe("npm run up (scripts/up.sh) without its tools", () => {
  it("names all four when none is on PATH, exits 127, changes nothing", () => {
    const result = up(binWith([], "none"));
    expect(result.status).toBe(127);
    expect(result.stderr).toContain("missing required tools: docker kind kubectl helm");
    expect(result.stderr).toContain("Nothing was changed.");
    expect(result.seconds).toBeLessThan(5);
  });

  it("names exactly the missing ones", () => {
    rmSync(called, { force: true });
    const result = up(binWith(["docker", "kubectl"], "some"));
    expect(result.status).toBe(127);
    expect(result.stderr).toMatch(/missing required tools: kind helm\n/);
    expect(result.stderr).not.toMatch(/- docker:|- kubectl:/);
    expect(existsSync(called), "no tool may run before the check passes").toBe(false);
  });

  it("stops when docker is installed but its daemon is unreachable, before creating anything", () => {
    rmSync(called, { force: true });
    const result = up(binWith(TOOLS, "all"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("docker is installed but its daemon is not reachable");
    // Only the helm version check and `docker info` ran: no cluster was created, nothing was installed.
    expect(spawnSync("cat", [called], { encoding: "utf8" }).stdout.trim().split("\n")).toEqual([
      "helm(all) version --short",
      "docker info",
    ]);
  });

  // GitHub's ubuntu-24.04 runner ships Helm 3 on PATH. Helm 3's --wait and
  // server-side apply differ from Helm 4's; the bring-up is tested with Helm 4.
  it("uses the Helm 4 in the tools dir even when another helm comes first on PATH", () => {
    rmSync(called, { force: true });
    const path = binWith(TOOLS, "path3", "v3.21.0+g1234567");
    const tools = binWith(["helm"], "tools4");
    const result = up(path, tools);
    expect(result.stderr).toContain("docker is installed but its daemon is not reachable");
    const log = spawnSync("cat", [called], { encoding: "utf8" }).stdout;
    expect(log).toContain("helm(tools4) version");
    expect(log).not.toContain("helm(path3)");
  });

  it("refuses a Helm other than 4.x, naming the one it found, before touching anything", () => {
    rmSync(called, { force: true });
    const result = up(binWith(TOOLS, "only3", "v3.21.0+g1234567"));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/needs Helm 4.*v3\.21\.0/);
    expect(spawnSync("cat", [called], { encoding: "utf8" }).stdout).not.toContain("docker");
  });

  // On a machine that has everything this would really create a cluster, so it only runs where something is missing.
  const absent = TOOLS.filter(
    (tool) => spawnSync("/bin/bash", ["-c", `command -v ${tool}`]).status !== 0,
  );
  const daemonUp = absent.includes("docker")
    ? false
    : spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;
  it.skipIf(absent.length === 0 && daemonUp)(
    "on this machine's own PATH fails fast and names what is missing",
    () => {
      const result = up(process.env.PATH ?? "");
      expect(result.status).not.toBe(0);
      expect(result.seconds).toBeLessThan(10);
      if (absent.length > 0)
        expect(result.stderr).toContain(`missing required tools: ${absent.join(" ")}`);
      else expect(result.stderr).toMatch(/daemon is not reachable/);
    },
  );
});
