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

/** A bin dir with stubs for `tools`; each stub records that it ran, docker's `info` fails. */
function binWith(tools: readonly string[], name: string): string {
  const dir = join(work, name);
  spawnSync("mkdir", ["-p", dir]);
  for (const tool of tools) {
    const file = join(dir, tool);
    const body =
      tool === "docker"
        ? `#!/bin/sh\necho "docker $*" >> "${called}"\n[ "$1" = info ] && exit 1\nexit 0\n`
        : `#!/bin/sh\necho "${tool} $*" >> "${called}"\nexit 0\n`;
    writeFileSync(file, body);
    chmodSync(file, 0o755);
  }
  return dir;
}

function up(path: string) {
  const started = Date.now();
  const result = spawnSync("/bin/bash", [join(repoRoot, "scripts", "up.sh")], {
    env: { PATH: path, STOREPLANE_TOOLS_BIN: join(work, "no-tools") },
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
    // Only `docker info` ran: no cluster was created, nothing was installed.
    expect(spawnSync("cat", [called], { encoding: "utf8" }).stdout.trim()).toBe("docker info");
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
